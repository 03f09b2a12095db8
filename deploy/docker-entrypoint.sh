#!/bin/sh
# The container's entrypoint (deploy/Dockerfile). `web` (the default): migrate, then gunicorn.
# `scheduler`: the one process that runs the timed jobs (a second one stands by). Anything
# else runs as given, e.g. `docker compose run --rm web learnclub backup /data/club.backup`.
set -eu
cd "$(dirname "$0")/.."
case "${1:-web}" in
  web)
    learnclub db upgrade
    exec gunicorn -c deploy/gunicorn.conf.py wsgi:app
    ;;
  scheduler)
    exec learnclub scheduler
    ;;
  *)
    exec "$@"
    ;;
esac
