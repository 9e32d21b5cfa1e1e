// The official MCP Inspector's CLI (@modelcontextprotocol/inspector), for the tests that drive the MCP server as a real
// client does: it lists the tools and validates every result against its output schema. Kept in the test cache
// (~/.cache/leadflow/inspector-VERSION) and installed there once; its CLI runs on Node 20 although its engines field
// asks for 22.
import { ensureCachedPackage } from './cachedPackage.mjs';

export const INSPECTOR_VERSION = '2.12.0';

export function ensureInspector() {
  return ensureCachedPackage({
    folder: `inspector-${INSPECTOR_VERSION}`,
    spec: `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`,
    file: '@modelcontextprotocol/inspector/clients/launcher/build/index.js',
    npmArgs: ['--ignore-scripts', '--engine-strict=false'],
  });
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureInspector());
