#!/usr/bin/env bash
# The official MCP Inspector's CLI for the MCP client tests, cached in ~/.cache/leadflow (reused when present).
set -euo pipefail
node scripts/inspectorCache.mjs
