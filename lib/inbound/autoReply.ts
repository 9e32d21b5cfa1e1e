/**
 * Out-of-office and other automatic replies: recognised from the standard headers (RFC 3834 Auto-Submitted, and
 * the X-Autoreply / X-Autorespond / Precedence conventions) and common subject and body phrases. An automatic reply
 * is not a person answering, so it must not stop a sequence — but when it names a return date, the next step waits
 * until after it.
 */
import type { ParsedMail } from 'mailparser';

const SUBJECT = /^(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|auto:|autoreply|abwesenheit|absence|réponse automatique|respuesta automática|away from)/i;
const BODY = /\b(out of (the )?office|on (annual |parental |sick )?leave|on vacation|on holiday|limited access to (my )?e-?mail|away from (the )?office|currently away|i am away|i('| a)m out|will be back|back in the office|return(ing)? (to the office )?on|abwesend|bin ab dem)\b/i;

export function isAutoReply(parsed: ParsedMail): boolean {
  const h = parsed.headers;
  const autoSubmitted = String(h.get('auto-submitted') ?? '').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (h.has('x-autoreply') || h.has('x-autorespond') || h.has('x-autoresponse')) return true;
  if (/^(auto_reply|auto-reply)$/i.test(String(h.get('precedence') ?? ''))) return true;
  if (SUBJECT.test(parsed.subject ?? '')) return true;
  return BODY.test(parsed.text ?? '');
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * The return date an automatic reply gives ("back on 3 December 2026", "returning on 2026-12-03",
 * "until 03.12.2026"), as a UTC date; null when there is none or it does not parse. Dates without a year take the
 * next such date after `received`.
 */
export function returnDate(text: string, received: Date): Date | null {
  const around = /\b(?:back|return(?:ing)?|until|till|bis|from)\b[^.\n]{0,40}/gi;
  for (const m of text.matchAll(around)) {
    const d = parseDate(m[0], received);
    if (d) return d;
  }
  return null;
}

function parseDate(s: string, received: Date): Date | null {
  let m = /(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return utc(+m[1], +m[2], +m[3]);
  m = /\b(\d{1,2})[./](\d{1,2})[./](\d{2,4})\b/.exec(s);
  if (m) return utc(m[3].length === 2 ? 2000 + +m[3] : +m[3], +m[2], +m[1]); // day first: the form OOO notes use in Europe
  const month = new RegExp(`\\b(${MONTHS.join('|')})\\b`, 'i').exec(s);
  if (month) {
    const mi = MONTHS.indexOf(month[1].toLowerCase()) + 1;
    const day = /\b(\d{1,2})(?:st|nd|rd|th)?\b/.exec(s.replace(/\d{4}/g, ''));
    const year = /\b(20\d{2})\b/.exec(s);
    if (day) {
      let d = utc(year ? +year[1] : received.getUTCFullYear(), mi, +day[1]);
      if (d && !year && d < received) d = utc(received.getUTCFullYear() + 1, mi, +day[1]);
      return d;
    }
  }
  return null;
}

function utc(y: number, mo: number, d: number): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, 9));
  return date.getUTCMonth() === mo - 1 ? date : null;
}
