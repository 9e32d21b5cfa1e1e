#!/usr/bin/env bash
# PostgreSQL 15 (the test suite starts one throwaway cluster per run on 127.0.0.1, see scripts/postgres.mjs) and
# redis-server, from Debian. Each installed only when missing.
set -euo pipefail
missing=()
if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "postgresql already installed: $(/usr/lib/postgresql/15/bin/postgres --version)"
else
  missing+=(postgresql)
fi
if command -v redis-server >/dev/null; then
  echo "redis-server already installed: $(redis-server --version | cut -d' ' -f3)"
else
  missing+=(redis-server)
fi
if [ "${#missing[@]}" = 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
