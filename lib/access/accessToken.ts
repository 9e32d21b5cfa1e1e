/**
 * The LEADFLOW_TOKEN that guards the status page and the MCP server over HTTP: made fresh when the user set none,
 * read from an `Authorization: Bearer` header, and compared in constant time (both sides hashed first, so neither the
 * content nor the length leaks through timing). Pure: each adapter wraps it in its own middleware.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh token for a server to show once when LEADFLOW_TOKEN is not set. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}

/** The token in an `Authorization: Bearer <token>` header (RFC 6750), or null when the header is absent or another kind. */
export function bearerTokenOf(header: string | undefined): string | null {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return m ? m[1] : null;
}
