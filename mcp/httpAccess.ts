/**
 * Who may use the MCP server over HTTP, checked before a request body is read, whatever the bind address:
 * - Host: a loopback name, the address it was bound to, or a name given with --allowed-host. A web page cannot then
 *   reach the server through a DNS name it controls (DNS rebinding), even when it listens on 0.0.0.0.
 * - Origin, when a browser sends one: the server's own origin, or one given with --allowed-origin.
 * - `Authorization: Bearer <LEADFLOW_TOKEN>`, compared in constant time: without it, or with a wrong one, 401 with a
 *   `WWW-Authenticate` challenge (RFC 6750), as MCP clients expect.
 * Refusals are JSON-RPC errors that say what to change.
 */
import type { RequestHandler, Response } from 'express';
import { bearerTokenOf, tokenMatches } from '../lib/access/accessToken';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = ['0.0.0.0', '::', '[::]', ''];

export interface AccessRules {
  /** The address the server listens on. */
  bindHost: string;
  /** Further Host names (or addresses) clients use to reach it: --allowed-host. */
  allowedHosts?: string[];
  /** Further browser origins (e.g. http://localhost:6274): --allowed-origin. */
  allowedOrigins?: string[];
  /** The LEADFLOW_TOKEN every request must carry. */
  token: string;
}

function refuse(res: Response, status: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

/** A host name as a URL spells it (lowercase, IPv6 in brackets), so it compares with what `new URL` gives back. */
function urlHostname(host: string): string {
  const h = host.trim().toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** The host names the server answers to. */
export function allowedHostnames(rules: Pick<AccessRules, 'bindHost' | 'allowedHosts'>): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  const bound = urlHostname(rules.bindHost);
  if (!WILDCARDS.includes(bound)) names.add(bound);
  for (const h of rules.allowedHosts ?? []) names.add(urlHostname(h));
  return names;
}

/** The hostname in a Host header value, or null when it is not one. */
function hostnameOf(hostHeader: string): string | null {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return null;
  }
}

/** A Host header value as `URL.host` spells it (lowercase, no default port), or '' when it is not one. */
function hostOf(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).host;
  } catch {
    return '';
  }
}

function originOf(value: string): string | null {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

export function requireAccess(rules: AccessRules): RequestHandler[] {
  if (!rules.token) throw new Error('the MCP server over HTTP needs a token: set LEADFLOW_TOKEN (leadflow mcp --http makes one when unset)');
  const hosts = allowedHostnames(rules);
  const origins = new Set((rules.allowedOrigins ?? []).map((o) => originOf(o) ?? o));

  const host: RequestHandler = (req, res, next) => {
    const header = req.headers.host ?? '';
    const name = hostnameOf(header);
    if (name === null || !hosts.has(name)) {
      const shown = (name ?? header).slice(0, 100);
      refuse(res, 403, `this server does not answer to the Host "${shown}": start leadflow mcp with --allowed-host ${shown || '<name>'} if clients reach it by that name`);
      return;
    }
    next();
  };

  const origin: RequestHandler = (req, res, next) => {
    const given = req.headers.origin;
    if (given === undefined) {
      next();
      return;
    }
    const o = originOf(given);
    // Same origin: the page was served from the address the request is sent to (already a Host this server allows).
    const sameOrigin = o !== null && new URL(o).host === hostOf(req.headers.host ?? '');
    if (o === null || !(sameOrigin || origins.has(o))) {
      refuse(res, 403, `requests from the web origin "${given.slice(0, 100)}" are refused: start leadflow mcp with --allowed-origin <origin> to let a browser client in`);
      return;
    }
    next();
  };

  const bearer: RequestHandler = (req, res, next) => {
    const given = bearerTokenOf(req.get('authorization'));
    if (given === null) {
      res.set('WWW-Authenticate', 'Bearer realm="leadflow"');
      refuse(res, 401, 'send the LEADFLOW_TOKEN as "Authorization: Bearer <token>" (leadflow mcp --http printed it, or it is the LEADFLOW_TOKEN it was started with)');
      return;
    }
    if (!tokenMatches(given, rules.token)) {
      res.set('WWW-Authenticate', 'Bearer realm="leadflow", error="invalid_token"');
      refuse(res, 401, 'the token is wrong: use the LEADFLOW_TOKEN leadflow mcp --http was started with');
      return;
    }
    next();
  };

  return [host, origin, bearer];
}
