import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isReservedDomain, summarizeValidation, validateLead } from '../lib/leads/validate';
import { GOOD_LEAD } from './support/goodLead';

const good = GOOD_LEAD;

function reasonsFor(changes: Record<string, unknown>): string[] {
  const result = validateLead({ ...good, ...changes });
  assert.equal(result.ok, false, `expected ${JSON.stringify(changes)} to be refused`);
  return result.ok ? [] : result.reasons;
}

function codes(reasons: string[]): string[] {
  return reasons.map((reason) => reason.slice(0, reason.indexOf(':')));
}

test('a complete lead passes unchanged', () => {
  assert.deepEqual(validateLead(good), { ok: true, lead: good });
});

test('an email is trimmed and lowercased', () => {
  const result = validateLead({ ...good, email: '  Ada.Lovelace@Analytical.IO ' });
  assert.ok(result.ok);
  assert.equal(result.lead.email, 'ada.lovelace@analytical.io');
});

test('malformed emails are refused with invalid_email and the value', () => {
  for (const email of ['bob@', '@acme.com', 'bob', 'bob@acme', 'a..b@acme.com', 'bob@acme..com', 'b ob@acme.com', 'bob@-acme.com', '"bob"@acme.com']) {
    const reasons = reasonsFor({ email });
    assert.deepEqual(codes(reasons), ['invalid_email'], email);
    assert.ok(reasons[0].includes(JSON.stringify(email.trim().toLowerCase())), reasons[0]);
  }
  assert.equal(reasonsFor({ email: 'bob@' })[0], 'invalid_email: "bob@" is not an email address');
});

test('ordinary but unusual emails are accepted', () => {
  for (const email of ["o'brien@acme.ie", 'first+tag@sub.acme.co.uk', 'x_y-z@acme-corp.com']) {
    assert.ok(validateLead({ ...good, email }).ok, email);
  }
});

test('a bare domain website gets https:// in front', () => {
  const result = validateLead({ ...good, website: 'acme.com' });
  assert.ok(result.ok);
  assert.equal(result.lead.website, 'https://acme.com');
});

test('websites that are not http(s) URLs of a dotted host are refused', () => {
  for (const website of ['ftp://acme.com', 'https://localhost', 'javascript:alert(1)', 'https://10.0.0.1', 'https://user:pw@acme.com', 'acme']) {
    assert.deepEqual(codes(reasonsFor({ website })), ['invalid_website'], website);
  }
});

test('a LinkedIn URL may be empty but otherwise must be a profile or company page', () => {
  assert.ok(validateLead({ ...good, linkedinUrl: '' }).ok);
  assert.ok(validateLead({ ...good, linkedinUrl: undefined }).ok);
  assert.ok(validateLead({ ...good, linkedinUrl: 'https://linkedin.com/company/acme' }).ok);
  assert.ok(validateLead({ ...good, linkedinUrl: 'https://de.linkedin.com/in/ada' }).ok, "a country's LinkedIn host");
  assert.ok(validateLead({ ...good, linkedinUrl: 'https://www.linkedin.com/sales/lead/ACwAAA1b2c3,NAME_SEARCH,x1Y2' }).ok, 'a Sales Navigator profile link');
  for (const linkedinUrl of ['https://twitter.com/ada', 'http://www.linkedin.com/in/ada', 'https://www.linkedin.com/feed/', 'https://evil.com/linkedin.com/in/ada', 'https://www.linkedin.com.evil.test/in/ada']) {
    assert.deepEqual(codes(reasonsFor({ linkedinUrl })), ['invalid_linkedin_url'], linkedinUrl);
  }
});

test('a line break in any field is refused as a header injection risk', () => {
  const reasons = reasonsFor({ company: 'Acme\r\nBcc: everyone@example.com', title: 'CTO\nX-Spam: yes' });
  assert.deepEqual(codes(reasons), ['line_break', 'line_break']);
  assert.match(reasons.join(' '), /company contains a line break/);
  assert.match(reasons.join(' '), /title contains a line break/);
});

test('an unknown timezone is refused and a missing one comes from the country', () => {
  assert.deepEqual(codes(reasonsFor({ timezone: 'Mars/Olympus_Mons' })), ['invalid_timezone']);
  assert.deepEqual(codes(reasonsFor({ timezone: '+01:00' })), ['invalid_timezone']);
  const derived = validateLead({ ...good, timezone: undefined, country: 'Japan' });
  assert.ok(derived.ok);
  assert.equal(derived.lead.timezone, 'Asia/Tokyo');
  const fallback = validateLead({ ...good, timezone: '', country: 'Atlantis' });
  assert.ok(fallback.ok);
  assert.equal(fallback.lead.timezone, 'UTC');
});

test('required fields that are missing or blank are each named', () => {
  const reasons = reasonsFor({ email: '  ', website: undefined, industry: '' });
  assert.deepEqual(codes(reasons), ['missing_email', 'missing_website', 'missing_industry']);
});

test('a person with one name, or none, and no company is a lead: the names and the company may be blank', () => {
  const mononym = validateLead({ ...good, firstName: 'Suharto', lastName: undefined, company: null });
  assert.ok(mononym.ok, mononym.ok ? '' : mononym.reasons.join('; '));
  assert.deepEqual([mononym.lead.firstName, mononym.lead.lastName, mononym.lead.company], ['Suharto', '', '']);
  const nameless = validateLead({ ...good, firstName: '  ', lastName: '' });
  assert.ok(nameless.ok);
  assert.deepEqual([nameless.lead.firstName, nameless.lead.lastName], ['', '']);
});

test('text holding U+FFFD, the mark of a wrong decoding, is refused rather than stored', () => {
  assert.match(reasonsFor({ firstName: 'Jos\uFFFD' })[0], /^replacement_character: firstName holds U\+FFFD.*UTF-8/);
});

test('a field that is not text is refused with its type, and overlong values with the limit', () => {
  assert.deepEqual(codes(reasonsFor({ firstName: 42 })), ['not_text']);
  assert.match(reasonsFor({ title: 'x'.repeat(201) })[0], /^too_long: title has 201 characters, the limit is 200$/);
});

test('something that is not an object is refused as a whole', () => {
  for (const input of ['ada@analytical.io', 42, null, [good]]) {
    assert.deepEqual(codes((validateLead(input) as { reasons: string[] }).reasons), ['not_an_object']);
  }
});

test('a lead on a reserved domain is marked synthetic even when the input says it is not', () => {
  const result = validateLead({ ...good, email: 'ada@analytical.example', synthetic: false });
  assert.ok(result.ok);
  assert.equal(result.lead.synthetic, true);
});

test('isReservedDomain knows the RFC 2606 and 6761 names and nothing else', () => {
  for (const reserved of ['bob@acme.example', 'acme.test', 'x@foo.invalid', 'localhost', 'a@b.localhost', 'bob@example.com', 'www.example.net', 'https://www.shop.example.org/x', 'ACME.EXAMPLE.']) {
    assert.equal(isReservedDomain(reserved), true, reserved);
  }
  for (const real of ['bob@acme.com', 'example.co', 'myexample.com', 'bob@example.com.au', 'testing.io', '']) {
    assert.equal(isReservedDomain(real), false, real);
  }
});

test('summarizeValidation counts valid and invalid leads and each reason code', () => {
  const results = [
    validateLead(good),
    validateLead({ ...good, email: 'bob@' }),
    validateLead({ ...good, email: 'eve@', website: 'ftp://x.com' }),
  ];
  assert.deepEqual(summarizeValidation(results), {
    valid: 1,
    invalid: 2,
    byReason: { invalid_email: 2, invalid_website: 1 },
  });
});
