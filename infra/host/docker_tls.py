"""Mutual TLS for the Docker API: a private CA, a server and a client certificate.

dockerd listens on the host's loopback and is reached through SSM port forwarding, so the server
certificate names 127.0.0.1. TLS still matters there: without it any local user of the host could
drive Docker. The host's key reaches it through SSM Parameter Store SecureStrings, never through
user data; the client key stays a secret Output used only by the deploy's Docker provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_tls as tls

CA_VALIDITY_HOURS = 10 * 365 * 24
LEAF_VALIDITY_HOURS = 365 * 24
# Renewed on the first `pulumi up` in the last 30 days; the host's hourly docker-tls-refresh timer
# restarts dockerd on the new files (the CA is unchanged, so both sides trust each other throughout).
EARLY_RENEWAL_HOURS = 30 * 24


@dataclass(frozen=True)
class DockerTlsArgs:
    parameter_prefix: str
    tags: dict[str, str]


class DockerTls(pulumi.ComponentResource):
    def __init__(self, name: str, args: DockerTlsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:tls:DockerTls", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        ca_key = tls.PrivateKey(f"{name}-ca", algorithm="ECDSA", ecdsa_curve="P384", opts=child)
        self.ca_cert = tls.SelfSignedCert(
            f"{name}-ca",
            private_key_pem=ca_key.private_key_pem,
            is_ca_certificate=True,
            validity_period_hours=CA_VALIDITY_HOURS,
            allowed_uses=["cert_signing", "crl_signing"],
            subject=tls.SelfSignedCertSubjectArgs(common_name="users-platform docker CA"),
            opts=child,
        )
        server_key, self.server_cert = self._leaf(
            f"{name}-server",
            ca_key,
            common_name="docker-host",
            ip_addresses=["127.0.0.1"],
            dns_names=[],
            uses=["digital_signature", "key_encipherment", "server_auth"],
        )
        self.client_key, self.client_cert = self._leaf(
            f"{name}-client",
            ca_key,
            common_name="pulumi-deployer",
            ip_addresses=[],
            dns_names=[],
            uses=["digital_signature", "key_encipherment", "client_auth"],
        )

        self.parameters = {
            "ca.pem": self._parameter(args, "ca.pem", self.ca_cert.cert_pem),
            "server-cert.pem": self._parameter(args, "server-cert.pem", self.server_cert.cert_pem),
            "server-key.pem": self._parameter(args, "server-key.pem", pulumi.Output.secret(server_key.private_key_pem)),
        }
        self.client_key_pem = pulumi.Output.secret(self.client_key.private_key_pem)
        self.register_outputs({"ca_cert_pem": self.ca_cert.cert_pem})

    def _leaf(self, name, ca_key, *, common_name, ip_addresses, dns_names, uses):
        child = pulumi.ResourceOptions(parent=self)
        key = tls.PrivateKey(name, algorithm="ECDSA", ecdsa_curve="P384", opts=child)
        request = tls.CertRequest(
            name,
            private_key_pem=key.private_key_pem,
            subject=tls.CertRequestSubjectArgs(common_name=common_name),
            ip_addresses=ip_addresses,
            dns_names=dns_names,
            opts=child,
        )
        cert = tls.LocallySignedCert(
            name,
            cert_request_pem=request.cert_request_pem,
            ca_private_key_pem=ca_key.private_key_pem,
            ca_cert_pem=self.ca_cert.cert_pem,
            validity_period_hours=LEAF_VALIDITY_HOURS,
            early_renewal_hours=EARLY_RENEWAL_HOURS,
            allowed_uses=uses,
            opts=child,
        )
        return key, cert

    def _parameter(self, args: DockerTlsArgs, file_name: str, value: pulumi.Input[str]) -> aws.ssm.Parameter:
        return aws.ssm.Parameter(
            f"{self._name}-{file_name.replace('.', '-')}",
            name=f"{args.parameter_prefix}/{file_name}",
            type="SecureString",
            value=value,
            description=f"Docker daemon TLS file {file_name}",
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
