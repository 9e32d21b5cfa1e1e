import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignVariant } from '../lib/personalize/variant';
import { fnv1a32 } from '../lib/enrich/stableHash';

const emails = Array.from({ length: 10_000 }, (_, i) => `person.${i}.${(i * 7919) % 1000}@company${i % 97}.example`);

test('fnv1a32 matches the published FNV-1a test vectors', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
});

test('the same email always gets the same variant, whatever its case', () => {
  for (const email of emails.slice(0, 500)) {
    assert.equal(assignVariant(email), assignVariant(email));
    assert.equal(assignVariant(email.toUpperCase()), assignVariant(email));
  }
});

test('variants split roughly 50/50 over 10k emails', () => {
  const a = emails.filter((email) => assignVariant(email) === 'A').length;
  const share = a / emails.length;
  assert.ok(share >= 0.45 && share <= 0.55, `A share ${share}`);
});

test('the variant depends on the order of characters, not only on which letters an email has', () => {
  // Raw FNV-1a parity would never change here: its low bit is the parity of the odd character codes.
  const pairs = emails.slice(0, 2000).map((email) => [email, email[1] + email[0] + email.slice(2)] as const);
  const changed = pairs.filter(([email, swapped]) => assignVariant(email) !== assignVariant(swapped)).length / pairs.length;
  assert.ok(changed > 0.35 && changed < 0.65, `swapping two letters changed ${changed} of variants`);
});
