/**
 * RFC 8058 §3.2: a one-click unsubscribe is a POST whose form body holds the field `List-Unsubscribe=One-Click`,
 * sent as `application/x-www-form-urlencoded` or `multipart/form-data`. A POST without it (a link scanner, a
 * prefetch, a stray request) must not unsubscribe anyone. `isOneClickBody` says whether a raw body carries the field.
 */
const FIELD = 'List-Unsubscribe';
const VALUE = 'One-Click';

export function isOneClickBody(contentType: string | undefined, body: Buffer | undefined): boolean {
  if (!contentType || !body || body.length === 0) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  const text = body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(text).getAll(FIELD).includes(VALUE);
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (type === 'multipart/form-data' && boundary) return multipartValues(text, boundary[1] ?? boundary[2]).includes(VALUE);
  return false;
}

/** The values of every `name="List-Unsubscribe"` part of a multipart body (RFC 7578). */
function multipartValues(text: string, boundary: string): string[] {
  const values: string[] = [];
  for (const part of text.split(`--${boundary}`).slice(1)) {
    const end = part.indexOf('\r\n\r\n');
    if (end < 0) continue;
    const headers = part.slice(0, end);
    const name = /^content-disposition:\s*form-data\s*;(?:.*;)?\s*name="([^"]*)"/im.exec(headers)?.[1];
    if (name === FIELD) values.push(part.slice(end + 4).replace(/\r\n$/, ''));
  }
  return values;
}
