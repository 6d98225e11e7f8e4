"""Where things live on the host: paths, container names and ports that user data, the containers
and the operator's commands all refer to. One place, so a rename cannot split them apart."""

# The PostgreSQL data volume's mount point; the database's files live in its `data` subfolder,
# which exists only on the mounted volume (so an unmounted path cannot be mistaken for it).
DATA_MOUNT = "/srv/pgdata"
DATA_DIR = f"{DATA_MOUNT}/data"
# Certificates for the web container's TLS server block (mounted read-only into nginx).
WEB_TLS_DIR = "/srv/platform/tls"
# dockerd's own mutual-TLS files, fetched from SSM at every Docker start.
DOCKER_TLS_DIR = "/etc/docker/tls"
# dockerd listens here on the host's loopback only; deployers reach it through SSM port forwarding.
DOCKER_API_PORT = 2376

POSTGRES_CONTAINER = "platform-postgres"
SERVICE_CONTAINER = "platform-service"
WEB_CONTAINER = "platform-web"
MAIL_WORKER_CONTAINER = "platform-mail-worker"

# The mail worker's short-lived AWS keys (infra/host/mail_credentials.py), mounted read-only into it alone.
MAIL_CREDENTIALS_DIR = "/srv/platform/mail-credentials"
MAIL_CREDENTIALS_IN_CONTAINER = "/run/aws-mail"
# The service image runs as 10001:10001 (service/Dockerfile); files it must read are group-readable by it.
SERVICE_IMAGE_GID = 10001
