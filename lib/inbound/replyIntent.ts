/**
 * What a reply means, by rules: interested, not interested, an opt-out in words, wrong person (often with a
 * referral), or neutral. Out-of-office answers are told apart before this (autoReply.ts). Only the reply's own words
 * count: the quoted email below "On … wrote:" or "> " lines — our own opt-out line among them, which says
 * "unsubscribe" — is cut off first.
 *
 * When several rules match, the one that protects the person wins: an opt-out over everything ("not interested,
 * please remove me" is an opt-out), then wrong person, then not interested, then interested ("not interested"
 * contains "interested"). The model may refine the rules' answer when AI is set up (replyIntentAi.ts); the rules stay
 * the fallback and are never overruled on an opt-out.
 */

export const REPLY_INTENTS = ['interested', 'not_interested', 'unsubscribe', 'wrong_person', 'neutral'] as const;
export type ReplyIntent = (typeof REPLY_INTENTS)[number];

export interface IntentReading {
  intent: ReplyIntent;
  /** The words that decided it ("remove me"), or null for neutral. */
  matched: string | null;
  /** For wrong person: an address the reply points to instead, if it gives one. */
  referral: string | null;
}

// Each list: phrases in English first, then German, French, Spanish, Italian, Dutch and Portuguese forms.
const OPT_OUT = [
  /\bunsubscribe\b/, /\bremove me\b/, /\bremove (my|this) (e-?mail|address|name)\b/, /\btake me off\b/, /\bopt(ing)?[- ]?out\b/,
  /\bstop (e-?mailing|emailing|contacting|writing|sending)\b/, /\b(do not|don'?t|never) (e-?mail|contact|write to|message) me\b/,
  /\bno (more|further) (e-?mails?|messages|contact)\b/, /\bleave me alone\b/, /\bspam\b/,
  /\babmelden\b/, /\babbestellen\b/, /\baustragen\b/, /\bkeine (weiteren )?(e-?mails|nachrichten)\b/, /\bnicht mehr (kontaktieren|anschreiben|schreiben)\b/, /\bbitte entfernen\b/,
  /\bd[ée]sabonner\b/, /\bd[ée]sinscri(re|vez|ption)\b/, /\bretirez[- ]moi\b/, /\bne plus (me )?(contacter|recevoir|[ée]crire)\b/,
  /\bdar(me)? de baja\b/, /\bdarme de baja\b/, /\bno me (escrib|contact)\w*\b/, /\belimin(ar|en)(me)? de (su|la|tu) lista\b/,
  /\bcancellami\b/, /\bdisiscriv\w*\b/, /\bnon contattatemi\b/,
  /\bafmelden\b/, /\buitschrijven\b/,
  /\bdescadastr\w*\b/, /\bcancelar (a )?inscri[çc][ãa]o\b/,
];

const WRONG_PERSON = [
  /\b(wrong|not the right|not the correct) (person|contact|guy|address)\b/, /\bno longer (works?|working|with|at)\b/,
  /\b(has|have) left (the company|[a-z]+)\b/, /\bleft the company\b/, /\bnot (my|in my) (area|department|responsibility|remit)\b/,
  /\b(you should|better to|please) (talk|speak|reach out|write|get in touch) (to|with)\b/, /\breach out to\b/, /\bcontact [^.]{0,40} instead\b/,
  /\bnicht (mehr )?zust[äa]ndig\b/, /\bnicht mehr (im unternehmen|bei)\b/,
];

const NOT_INTERESTED = [
  /\bnot interested\b/, /\bno interest\b/, /\bno,? thanks?\b/, /\bno thank you\b/, /\bnot (a|the right) fit\b/, /\bnot relevant\b/,
  /\b(we'?re|we are|i'?m|i am) (all set|good|covered)\b/, /\balready (have|use|work with)\b/, /\bnot (at this time|right now|now)\b/,
  /\bnot a priority\b/, /\bwe'?ll pass\b/, /\bno need\b/, /\bnot looking\b/,
  /\bkein interesse\b/, /\bpas int[ée]ress[ée]\b/, /\bno (estoy|estamos) interesad[oa]s?\b/, /\bnon (sono |siamo )?interessat[oi]\b/, /\bgeen interesse\b/,
];

const INTERESTED = [
  /\binterested\b/, /\binteresting\b/, /\bsounds (good|great|interesting|useful)\b/, /\blet'?s (talk|chat|connect|set up|schedule|meet|do it)\b/,
  /\b(happy|glad|open) to (chat|talk|connect|meet|hear more|learn more)\b/, /\btell me more\b/, /\b(send|share) (me )?(more )?(info|information|details|deck|pricing)\b/,
  /\bbook (a|some) (time|call|slot)\b/, /\b(calendar|calendly)\b/, /\bwhat times?\b/, /\b(are you|i'?m|i am) (free|available)\b/,
  /\b(monday|tuesday|wednesday|thursday|friday)\b.*\?/, /\bhow (much|does it work)\b/, /\bworth a (call|chat|conversation)\b/, /\byes\b/,
  /\binteressant\b/, /\bgerne\b/, /\bint[ée]ress[ée]\b/, /\binteresad[oa]\b/, /\binteressat[oa]\b/,
];

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/i;

/**
 * The reply's own words: what comes before the quoted message. Cuts at the first "On … wrote:" (and its common
 * translations), "-----Original Message-----", a "From: … Sent:" header block, or the first run of "> " lines.
 */
export function ownWords(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith('>')) break;
    if (/^(on|am|le|el|il|op|em)\b.{0,200}\b(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu)\s*:?\s*$/i.test(line)) break;
    // Outlook's "On … wrote" can wrap: the first line starts it, the next ends it.
    if (/^(on|am)\s.{0,200}$/i.test(line) && /\b(wrote|schrieb)\s*:\s*$/i.test(lines[i + 1]?.trim() ?? '')) break;
    if (/^-{2,}\s*(original message|urspr[üu]ngliche nachricht|message d'origine)\s*-{2,}$/i.test(line)) break;
    if (/^(from|von|de):\s/i.test(line) && /^(sent|gesendet|envoy[ée]|date|enviado):\s/i.test(lines[i + 1]?.trim() ?? '')) break;
    out.push(lines[i]);
  }
  return out.join('\n').trim();
}

function firstMatch(patterns: readonly RegExp[], text: string): string | null {
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return m[0];
  }
  return null;
}

/** Classify a reply by rules, from its subject and its text (the quoted message is cut off here). */
export function readReplyIntent(text: string, subject = ''): IntentReading {
  const own = ownWords(text);
  // The subject counts for an opt-out ("Unsubscribe", "STOP") but not for interest: "Re: A question about …" is ours.
  const words = own.toLowerCase();
  const subjectWords = subject.replace(/^((re|aw|fwd?|wg|tr|rv|sv):\s*)+/i, '').toLowerCase();
  const optOut = firstMatch(OPT_OUT, words) ?? firstMatch(OPT_OUT, subjectWords) ?? (/^\s*stop\s*[.!]?\s*$/i.test(own) ? 'stop' : null);
  if (optOut) return { intent: 'unsubscribe', matched: optOut, referral: null };
  const wrong = firstMatch(WRONG_PERSON, words);
  if (wrong) {
    const referral = EMAIL.exec(own)?.[0]?.toLowerCase() ?? null;
    return { intent: 'wrong_person', matched: wrong, referral };
  }
  const no = firstMatch(NOT_INTERESTED, words);
  if (no) return { intent: 'not_interested', matched: no, referral: null };
  const yes = firstMatch(INTERESTED, words);
  if (yes) return { intent: 'interested', matched: yes, referral: null };
  return { intent: 'neutral', matched: null, referral: null };
}
