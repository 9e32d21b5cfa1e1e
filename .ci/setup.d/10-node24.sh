#!/usr/bin/env bash
# Node 24 for the node:sqlite driver tests (the engine n8n 2.x users get), cached in ~/.cache/leadflow/node24.
set -euo pipefail
node scripts/node24.mjs
