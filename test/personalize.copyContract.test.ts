import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCopy, countWords, WORD_BUDGET } from '../lib/personalize/copyContract';
import { DEFAULT_OPT_OUT_LINE } from '../lib/personalize/templates';
import type { CopyViolation, MessageDraft } from '../lib/types';

const GOOD_EMAIL_BODY = [
  'Hi Anna,',
  'As CTO at Pixel Labs, you probably deal with on-call fatigue from noisy alerts.',
  'Open to a 15-minute call next week?',
  'Best,\nAlex from Leadflow',
  DEFAULT_OPT_OUT_LINE,
].join('\n\n');

function email(body: string, subject: string | null = 'Idea for Pixel Labs'): MessageDraft {
  return { channel: 'email', variant: 'A', step: 1, subject, body };
}
function linkedin(body: string, subject: string | null = null): MessageDraft {
  return { channel: 'linkedin', variant: 'B', step: 1, subject, body };
}
function rules(violations: CopyViolation[]): string[] {
  return violations.map((v) => v.rule);
}
function words(n: number): string {
  return Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
}

test('word budgets are 120 for email and 60 for LinkedIn', () => {
  assert.deepEqual({ ...WORD_BUDGET }, { email: 120, linkedin: 60 });
});

test('a well-formed email and LinkedIn message break no rule', () => {
  assert.deepEqual(checkCopy(email(GOOD_EMAIL_BODY)), []);
  assert.deepEqual(checkCopy(linkedin('Hi Anna, we help teams like yours with noisy alerts. Worth a quick chat?')), []);
});

test('countWords counts tokens with a letter or digit, split on any whitespace', () => {
  assert.equal(countWords(''), 0);
  assert.equal(countWords('  \n\t '), 0);
  assert.equal(countWords('Open to a 15-minute call — next week?'), 7);
  assert.equal(countWords('Zoë\u00a0café\u2003naïve'), 3);
  assert.equal(countWords('& — … 42'), 1);
  assert.equal(countWords('line one\nline two\r\nline three'), 6);
});

test('an email over its word budget is caught with the count and the budget', () => {
  const body = `Hi Anna,\n\n${words(101)}\n\nOpen to a 15-minute call next week?\n\n${DEFAULT_OPT_OUT_LINE}`;
  const violations = checkCopy(email(body));
  assert.deepEqual(rules(violations), ['word_budget']);
  assert.equal(violations[0].detail, `${countWords(body)} words, budget 120`);
  assert.equal(countWords(body), 121);
});

test('a LinkedIn message over 60 words is caught', () => {
  const violations = checkCopy(linkedin(`${words(58)} Worth a chat?`));
  assert.deepEqual(violations, [{ rule: 'word_budget', detail: '61 words, budget 60' }]);
});

test('a message with no call to action is caught, and the opt-out "reply" does not count as one', () => {
  const body = GOOD_EMAIL_BODY.replace('Open to a 15-minute call next week?', 'We help teams like yours.');
  assert.deepEqual(rules(checkCopy(email(body))), ['call_to_action']);
  assert.deepEqual(rules(checkCopy(linkedin('Hi Anna, how are you doing these days?'))), ['call_to_action']);
});

test('an explicit "reply" or "book" instruction counts as a call to action', () => {
  assert.deepEqual(checkCopy(linkedin('Hi Anna, reply with a good slot and I will send an invite.')), []);
  assert.deepEqual(checkCopy(linkedin('Hi Anna, book a slot at cal.example/alex whenever suits.')), []);
});

test('abbreviations in a company name do not split the call-to-action question', () => {
  assert.deepEqual(checkCopy(linkedin('Hi Mia, would St. Mary Health Inc. be open to a short call?')), []);
});

test('an unfilled {{firstName}} is caught and named', () => {
  const violations = checkCopy(email(GOOD_EMAIL_BODY.replace('Anna', '{{firstName}}')));
  assert.deepEqual(violations, [{ rule: 'placeholder', detail: 'unfilled placeholder "{{firstName}}"' }]);
});

test('[Company], {name} and %s leftovers are caught, but bracketed numbers are not', () => {
  assert.match(checkCopy(email(GOOD_EMAIL_BODY.replace('Pixel Labs', '[Company]')))[0].detail, /"\[Company\]"/);
  assert.match(checkCopy(email(GOOD_EMAIL_BODY.replace('Anna', '{name}')))[0].detail, /"\{name\}"/);
  assert.match(checkCopy(email(GOOD_EMAIL_BODY.replace('Anna', '%s')))[0].detail, /"%s"/);
  assert.deepEqual(checkCopy(email(GOOD_EMAIL_BODY.replace('noisy alerts', 'noisy alerts [1]'))), []);
});

test('"undefined", "null" and "NaN" as words are caught, but the name Nan is not', () => {
  for (const leftover of ['undefined', 'null', 'NaN']) {
    const violations = checkCopy(email(GOOD_EMAIL_BODY.replace('Anna', leftover)));
    assert.deepEqual(violations, [{ rule: 'placeholder', detail: `unfilled placeholder "${leftover}"` }], leftover);
  }
  assert.deepEqual(checkCopy(email(GOOD_EMAIL_BODY.replace('Anna', 'Nan'))), []);
});

test('a placeholder left in the subject is caught', () => {
  assert.deepEqual(rules(checkCopy(email(GOOD_EMAIL_BODY, 'Idea for {{company}}'))), ['placeholder']);
});

test('an email without an opt-out line is caught, a LinkedIn message is not', () => {
  const body = GOOD_EMAIL_BODY.replace(`\n\n${DEFAULT_OPT_OUT_LINE}`, '');
  assert.deepEqual(rules(checkCopy(email(body))), ['opt_out']);
  assert.deepEqual(checkCopy(linkedin('Hi Anna, worth a quick chat?')), []);
  assert.deepEqual(checkCopy(email(`${body}\n\nTo opt out, just say so.`)), []);
});

test('a subject with CRLF is caught', () => {
  const violations = checkCopy(email(GOOD_EMAIL_BODY, 'Idea for Pixel Labs\r\nBcc: everyone@example.com'));
  assert.deepEqual(rules(violations), ['subject']);
  assert.match(violations[0].detail, /line break/);
});

test('an email subject must be present and at most 80 characters', () => {
  assert.deepEqual(rules(checkCopy(email(GOOD_EMAIL_BODY, null))), ['subject']);
  assert.deepEqual(rules(checkCopy(email(GOOD_EMAIL_BODY, '   '))), ['subject']);
  assert.deepEqual(checkCopy(email(GOOD_EMAIL_BODY, 'x'.repeat(93))), [{ rule: 'subject', detail: 'subject is 93 characters, limit 80' }]);
  assert.deepEqual(checkCopy(email(GOOD_EMAIL_BODY, 'x'.repeat(80))), []);
});

test('a LinkedIn message with a subject is caught', () => {
  assert.deepEqual(rules(checkCopy(linkedin('Hi Anna, worth a quick chat?', 'Hello'))), ['subject']);
});

test('a carriage return in the body is caught, plain \\n line breaks are fine', () => {
  const violations = checkCopy(email(GOOD_EMAIL_BODY.replace(/\n/g, '\r\n')));
  assert.equal(violations.length, 1);
  assert.match(violations[0].detail, /carriage return/);
});

test('an empty body is caught as empty, and nothing else is said about it', () => {
  assert.deepEqual(checkCopy(email('  \n ')), [{ rule: 'empty', detail: 'email body is empty' }]);
  assert.deepEqual(checkCopy(linkedin('')), [{ rule: 'empty', detail: 'linkedin body is empty' }]);
});
