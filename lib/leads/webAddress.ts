/**
 * The two kinds of URL a lead carries: its company website (any public http(s) host) and its LinkedIn page.
 * A bare "acme.com" is read as https://acme.com, because that is how people type websites into spreadsheets.
 */

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const IP_HOST = /^(?:\d+\.){3}\d+$|^\[/;
// www., or a country's (de.linkedin.com): LinkedIn serves profiles under both.
const LINKEDIN_HOST = /^(?:www\.|[a-z]{2}\.)?linkedin\.com$/;
// A profile, a company page, or a profile as Sales Navigator links it (/sales/lead/…, /sales/people/…).
const LINKEDIN_PATH = /^\/(?:in|company|sales\/lead|sales\/people)\/[^/]+/;

/** The URL with https:// in front when it has no scheme; trimmed. */
export function withScheme(raw: string): string {
  const url = raw.trim();
  return url === '' || HAS_SCHEME.test(url) ? url : `https://${url}`;
}

/**
 * A LinkedIn address as https: exports (Apollo's among them) still write http://www.linkedin.com/in/…, which
 * LinkedIn only redirects; anything else comes back as it was.
 */
export function linkedInOverHttps(url: string): string {
  return url.replace(/^http:\/\/((?:www\.|[a-z]{2}\.)?linkedin\.com\/)/i, 'https://$1');
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

/** https://(www.)linkedin.com/in/<profile>…, /company/<page>…, or Sales Navigator's /sales/lead/<id>…. */
export function isLinkedInUrl(url: string): boolean {
  const parsed = parse(url);
  if (!parsed || parsed.protocol !== 'https:') return false;
  return LINKEDIN_HOST.test(parsed.hostname) && LINKEDIN_PATH.test(parsed.pathname);
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
