#!/usr/bin/env bash
# Real n8n for the end-to-end tests, cached in ~/.cache/leadflow: 1.123.50 on this Node 20 (~5-12 min, 1.7 GB) and
# 2.41.1 on the cached Node 24 (~4 min, 2.7 GB). Reused when present; the e2e tests would install them otherwise.
set -euo pipefail
node scripts/n8nCache.mjs 1 2
