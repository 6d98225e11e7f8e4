"""The host's first-boot script: Docker with mutual TLS on the host's loopback (reached through SSM
port forwarding), started only once the PostgreSQL data volume is mounted, plus timers for the
service's housekeeping, Docker TLS renewal and image pruning.

It carries only names (SSM parameter names, the volume id, the region); the TLS key is read
from Parameter Store at each Docker start, so the script holds nothing secret.
"""

from __future__ import annotations

import shlex
from string import Template

from infra.host.layout import DATA_DIR, DATA_MOUNT, DOCKER_API_PORT, DOCKER_TLS_DIR, SERVICE_CONTAINER, WEB_TLS_DIR

# Images no container has used for this long are removed (older releases: rollback pulls them again).
IMAGE_PRUNE_AFTER_HOURS = 72

_SCRIPT = Template(
    r"""#!/bin/bash
set -euo pipefail

dnf install -y docker xfsprogs

# Docker's TLS files come from SSM SecureStrings at every start, so rotating them is a restart.
install -d -m 0700 $tls_dir
cat > /usr/local/sbin/fetch-docker-tls <<'FETCH'
#!/bin/bash
set -euo pipefail
umask 077
# The instance profile can take a little while to work after launch, so each read retries.
fetch() {
  for _ in $$(seq 1 30); do
    if aws ssm get-parameter --region $region --with-decryption --name "$parameter_prefix/$$1" \
        --query Parameter.Value --output text > "$tls_dir/$$1.new"; then
      mv "$tls_dir/$$1.new" "$tls_dir/$$1"
      return 0
    fi
    sleep 5
  done
  return 1
}
for file in ca.pem server-cert.pem server-key.pem; do fetch "$$file"; done
FETCH
chmod 0700 /usr/local/sbin/fetch-docker-tls

# dockerd reads its certificates only at start: when a deploy renews them in SSM, restart it.
# live-restore keeps the containers running across that restart.
cat > /usr/local/sbin/refresh-docker-tls <<'REFRESH'
#!/bin/bash
set -euo pipefail
before=$$(cat $tls_dir/*.pem | sha256sum)
/usr/local/sbin/fetch-docker-tls
after=$$(cat $tls_dir/*.pem | sha256sum)
if [ "$$before" != "$$after" ]; then systemctl restart docker; fi
REFRESH
chmod 0700 /usr/local/sbin/refresh-docker-tls

cat > /etc/docker/daemon.json <<'DAEMON'
{
  "hosts": ["unix:///var/run/docker.sock", "tcp://127.0.0.1:$docker_port"],
  "tlsverify": true,
  "tlscacert": "$tls_dir/ca.pem",
  "tlscert": "$tls_dir/server-cert.pem",
  "tlskey": "$tls_dir/server-key.pem",
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "5"},
  "live-restore": true
}
DAEMON

# daemon.json sets the listeners, so the unit must not pass -H as well.
install -d /etc/systemd/system/docker.service.d
cat > /etc/systemd/system/docker.service.d/tls.conf <<'UNIT'
[Unit]
# PostgreSQL's files must be on the data volume: no mount, no Docker, no database on the root disk.
RequiresMountsFor=$data_mount

[Service]
TimeoutStartSec=300
ExecStartPre=/usr/local/sbin/fetch-docker-tls
# Besides IMDS's one-hop limit: nothing in a container may reach the metadata service at all.
ExecStartPost=/bin/sh -c 'iptables -C DOCKER-USER -d 169.254.169.254/32 -j REJECT 2>/dev/null || iptables -I DOCKER-USER -d 169.254.169.254/32 -j REJECT'
ExecStart=
ExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock
UNIT

# The data volume is attached after boot starts; wait for it by its volume id.
volume_id=$volume_id
device=""
for _ in $$(seq 1 120); do
  for candidate in "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$${volume_id/-/}" /dev/xvdf /dev/sdf; do
    if [ -b "$$candidate" ]; then device="$$candidate"; break 2; fi
  done
  sleep 5
done
if [ -z "$$device" ]; then echo "data volume $$volume_id never appeared" >&2; exit 1; fi
if ! blkid "$$device" >/dev/null 2>&1; then mkfs.xfs -L pgdata "$$device"; fi
install -d $data_mount
grep -q "LABEL=pgdata" /etc/fstab || echo "LABEL=pgdata $data_mount xfs defaults,nofail 0 2" >> /etc/fstab
mount -a
mountpoint -q $data_mount || { echo "$data_mount is not mounted" >&2; exit 1; }
install -d -o 999 -g 999 -m 0700 $data_dir
install -d -m 0755 $web_tls_dir

# Daily housekeeping: ended login-throttle windows and long-dead sessions (python -m service prune).
cat > /etc/systemd/system/platform-prune.service <<'UNIT'
[Unit]
Description=Prune ended throttle windows and dead sessions
Requires=docker.service
After=docker.service

[Service]
Type=oneshot
ExecStart=/usr/bin/docker exec $service_container python -m service prune
UNIT
cat > /etc/systemd/system/platform-prune.timer <<'UNIT'
[Unit]
Description=Run platform-prune daily

[Timer]
OnCalendar=daily
RandomizedDelaySec=1h
Persistent=true

[Install]
WantedBy=timers.target
UNIT

# Hourly: load renewed Docker TLS files; daily: drop images no container has used for a while.
cat > /etc/systemd/system/docker-tls-refresh.service <<'UNIT'
[Unit]
Description=Restart dockerd when its TLS files change in SSM

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/refresh-docker-tls
UNIT
cat > /etc/systemd/system/docker-tls-refresh.timer <<'UNIT'
[Unit]
Description=Run docker-tls-refresh hourly

[Timer]
OnCalendar=hourly
Persistent=true

[Install]
WantedBy=timers.target
UNIT
cat > /etc/systemd/system/docker-image-prune.service <<'UNIT'
[Unit]
Description=Remove unused Docker images
Requires=docker.service
After=docker.service

[Service]
Type=oneshot
ExecStart=/usr/bin/docker image prune --all --force --filter until=${prune_after}h
UNIT
cat > /etc/systemd/system/docker-image-prune.timer <<'UNIT'
[Unit]
Description=Run docker-image-prune daily

[Timer]
OnCalendar=daily
RandomizedDelaySec=1h
Persistent=true

[Install]
WantedBy=timers.target
UNIT

$operations
systemctl daemon-reload
systemctl enable --now docker
systemctl enable --now platform-prune.timer docker-tls-refresh.timer docker-image-prune.timer
"""
)


def render_user_data(*, region: str, parameter_prefix: str, volume_id: str, operations: str = "") -> str:
    """operations: backup and monitoring lines (infra/host/backups.py, infra/host/observability.py), run before Docker starts."""
    return _SCRIPT.substitute(
        region=shlex.quote(region),
        parameter_prefix=parameter_prefix,
        volume_id=shlex.quote(volume_id),
        docker_port=DOCKER_API_PORT,
        tls_dir=DOCKER_TLS_DIR,
        data_mount=DATA_MOUNT,
        data_dir=DATA_DIR,
        prune_after=IMAGE_PRUNE_AFTER_HOURS,
        web_tls_dir=WEB_TLS_DIR,
        service_container=SERVICE_CONTAINER,
        operations=operations,
    )
