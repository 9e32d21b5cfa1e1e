#!/usr/bin/env bash
# The sqlite3 shell: the store-locking tests write from it as "another process", as a user inspecting their store
# would. Installed only when missing.
set -euo pipefail
if command -v sqlite3 >/dev/null; then
  echo "sqlite3 already installed: $(sqlite3 --version | cut -d' ' -f1)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends sqlite3
