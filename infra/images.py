"""Builds the service and web images from the repo's Dockerfiles and pushes them to ECR, tagged with the version."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_docker as docker

# The host is x86_64 (see host.latest_amazon_linux), whatever machine runs the deploy.
IMAGE_PLATFORM = "linux/amd64"
DOCKERFILES = {"service": "service/Dockerfile", "web": "nginx/Dockerfile"}
# nginx/Dockerfile renders its TLS server block at build time from these paths; the host mounts the files.
WEB_TLS_DIR_IN_CONTAINER = "/etc/nginx/tls"
WEB_TLS_BUILD_ARGS = {
    "TLS_CERT": f"{WEB_TLS_DIR_IN_CONTAINER}/fullchain.pem",
    "TLS_KEY": f"{WEB_TLS_DIR_IN_CONTAINER}/privkey.pem",
}


@dataclass(frozen=True)
class ImagesArgs:
    repo_root: Path
    version: str
    repository_urls: dict[str, pulumi.Input[str]]
    registry_server: pulumi.Input[str]
    registry_username: pulumi.Input[str]
    registry_password: pulumi.Input[str]
    web_tls: bool


class Images(pulumi.ComponentResource):
    def __init__(self, name: str, args: ImagesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:images:Images", name, None, opts)
        self.references: dict[str, pulumi.Output[str]] = {}
        for image, dockerfile in DOCKERFILES.items():
            built = docker.Image(
                f"{name}-{image}",
                image_name=pulumi.Output.concat(args.repository_urls[image], ":", args.version),
                build=docker.DockerBuildArgs(
                    context=str(args.repo_root),
                    dockerfile=str(args.repo_root / dockerfile),
                    platform=IMAGE_PLATFORM,
                    args=WEB_TLS_BUILD_ARGS if image == "web" and args.web_tls else None,
                ),
                registry=docker.RegistryArgs(
                    server=args.registry_server,
                    username=args.registry_username,
                    password=pulumi.Output.secret(args.registry_password),
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.references[image] = built.image_name
        self.register_outputs(dict(self.references))
