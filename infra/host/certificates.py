"""The site's certificate: certbot in its own container proves the domain over ACME HTTP-01
through nginx's webroot, renews it, and hands nginx a copy; nginx/front-start.sh notices the copy,
switches from plain HTTP to TLS and reloads."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from infra.host.layout import DATA_MOUNT, WEB_TLS_DIR

CERTBOT_CONTAINER = "platform-certbot"
# Shared with the web container, which serves /.well-known/acme-challenge/ from it (read-only there).
ACME_WEBROOT = "/srv/platform/acme"
ACME_WEBROOT_IN_CONTAINER = "/var/www/acme"
# Certbot's account and certificates live on the data volume, so a replaced host keeps them
# instead of asking the CA again (Let's Encrypt limits duplicate certificates per week).
LETSENCRYPT_DIR = f"{DATA_MOUNT}/letsencrypt"
TLS_DIR_IN_CONTAINER = "/tls"
# nginx-unprivileged runs as uid 101; it must read the key, no one else.
NGINX_GID = 101
CERT_NAME = "platform"
RENEW_EVERY_SECONDS = 12 * 3600
# A failed attempt (DNS not pointed yet, port 80 unreachable) is retried sooner, within Let's
# Encrypt's limit of 5 failed validations per hostname per hour.
RETRY_SECONDS = 15 * 60

# certonly --keep-until-expiring asks the CA only for a first certificate or one due for renewal
# (30 days before expiry), so running it twice a day is what `certbot renew` from cron would do.
# The copy runs every pass, so a new host or an emptied TLS dir gets the certificate again.
RENEW_LOOP = f"""set -u
if [ -n "${{ACME_EMAIL:-}}" ]; then contact="--email $ACME_EMAIL"; else contact=--register-unsafely-without-email; fi
live=${{LETSENCRYPT_DIR:-/etc/letsencrypt}}/live/{CERT_NAME}
tls=${{TLS_DIR:-{TLS_DIR_IN_CONTAINER}}}
while :; do
  pause={RENEW_EVERY_SECONDS}
  certbot certonly --webroot --webroot-path {ACME_WEBROOT_IN_CONTAINER} --domain "$DOMAIN" --cert-name {CERT_NAME} \\
    --non-interactive --agree-tos $contact --keep-until-expiring || pause={RETRY_SECONDS}
  if [ -s "$live/fullchain.pem" ] && [ -s "$live/privkey.pem" ]; then
    install -m 0640 -g "${{NGINX_GID:-{NGINX_GID}}}" "$live/privkey.pem" "$tls/privkey.pem.new"
    install -m 0644 "$live/fullchain.pem" "$tls/fullchain.pem.new"
    # Key first: nginx/front-start.sh may look between the two moves; a mismatched pair fails
    # its nginx -t and is retried on its next pass.
    if ! cmp -s "$tls/fullchain.pem.new" "$tls/fullchain.pem"; then
      mv "$tls/privkey.pem.new" "$tls/privkey.pem"
      mv "$tls/fullchain.pem.new" "$tls/fullchain.pem"
      echo "certbot: handed nginx a new certificate"
    fi
    rm -f "$tls/privkey.pem.new" "$tls/fullchain.pem.new"
  fi
  sleep "$pause"
done
"""


@dataclass(frozen=True)
class CertificateRenewalArgs:
    domain: str
    contact_email: str
    certbot_image: str
    provider: docker.Provider
    network_id: pulumi.Input[str]
    # The renewal container lives on the host: a new host gets a new one (as infra/host/containers.py).
    instance_id: pulumi.Input[str]
    logging: dict
    labels: dict[str, str]
    depends_on: list[pulumi.Resource]


class CertificateRenewal(pulumi.ComponentResource):
    def __init__(self, name: str, args: CertificateRenewalArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:certificates:CertificateRenewal", name, None, opts)
        # A fixed container name: the old container goes before its replacement.
        on_host = pulumi.ResourceOptions(
            parent=self,
            provider=args.provider,
            depends_on=args.depends_on,
            delete_before_replace=True,
            replacement_trigger=args.instance_id,
        )
        image = docker.RemoteImage(f"{name}-certbot", name=args.certbot_image, keep_locally=False, opts=on_host)
        self.container = docker.Container(
            f"{name}-certbot",
            name=CERTBOT_CONTAINER,
            image=image.name,
            entrypoints=["/bin/sh", "-c"],
            command=[RENEW_LOOP],
            envs=[f"DOMAIN={args.domain}", f"ACME_EMAIL={args.contact_email}"],
            volumes=[
                docker.ContainerVolumeArgs(host_path=LETSENCRYPT_DIR, container_path="/etc/letsencrypt"),
                docker.ContainerVolumeArgs(host_path=ACME_WEBROOT, container_path=ACME_WEBROOT_IN_CONTAINER),
                docker.ContainerVolumeArgs(host_path=WEB_TLS_DIR, container_path=TLS_DIR_IN_CONTAINER),
            ],
            # Outbound to the CA only: never on the backend network with PostgreSQL and the service.
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=args.network_id)],
            restart="unless-stopped",
            labels=[docker.ContainerLabelArgs(label=key, value=value) for key, value in args.labels.items()],
            opts=on_host,
            **args.logging,
        )
        self.register_outputs({})
