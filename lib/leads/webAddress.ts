/**
 * The two kinds of URL a lead carries: its company website (any public http(s) host) and its LinkedIn page.
 * A bare "acme.com" is read as https://acme.com, because that is how people type websites into spreadsheets.
 */

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const IP_HOST = /^(?:\d+\.){3}\d+$|^\[/;
const LINKEDIN_HOSTS = new Set(['linkedin.com', 'www.linkedin.com']);
const LINKEDIN_PATH = /^\/(?:in|company)\/[^/]+/;

/** The URL with https:// in front when it has no scheme; trimmed. */
export function withScheme(raw: string): string {
  const url = raw.trim();
  return url === '' || HAS_SCHEME.test(url) ? url : `https://${url}`;
}

/** An absolute http(s) URL of a named host with at least one dot, no credentials, no IP address. */
export function isWebsite(url: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username || parsed.password) return false;
  const host = parsed.hostname.replace(/\.$/, '');
  if (!host.includes('.') || IP_HOST.test(host)) return false;
  return host.split('.').every((label) => label.length > 0);
}

/** https://(www.)linkedin.com/in/<profile>… or /company/<page>…. */
export function isLinkedInUrl(url: string): boolean {
  const parsed = parse(url);
  if (!parsed || parsed.protocol !== 'https:') return false;
  return LINKEDIN_HOSTS.has(parsed.hostname) && LINKEDIN_PATH.test(parsed.pathname);
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
