#!/bin/sh
# Bring the schema up to date, then become the command (granian, via `python -m service serve`, by default) so it
# receives the container's signals directly.
set -eu

python -m service migrate
exec "$@"
