/**
 * Whether a name is an IANA timezone this Node.js can compute send windows in. Intl is the judge (it is what the
 * send-window code will use), with a cache because constructing a DateTimeFormat costs microseconds and an
 * import checks the same dozen zones over and over.
 */

// Intl in newer engines also accepts offsets such as "+01:00"; those are not IANA names and do not follow DST.
const IANA_SHAPE = /^[A-Za-z][A-Za-z0-9_+\-]*(?:\/[A-Za-z0-9_+\-]+)*$/;
const known = new Set<string>();

export function isTimeZone(name: string): boolean {
  if (known.has(name)) return true;
  if (!IANA_SHAPE.test(name) || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
  } catch {
    return false;
  }
  // Only valid names are cached, so a hostile file of made-up zones cannot grow the cache.
  known.add(name);
  return true;
}
