#!/bin/sh
# Bring the schema up to date, then become the command (gunicorn by default) so it
# receives the container's signals directly.
set -eu

python -m service migrate
exec "$@"
