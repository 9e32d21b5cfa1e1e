import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLeadGenerator, generateLeads } from '../lib/leads/generate/generate';
import { titlesFor } from '../lib/leads/generate/industries';
import { isReservedDomain, validateLead } from '../lib/leads/validate';
import { INDUSTRIES, type LeadInput } from '../lib/types';

function pull(generator: { next(): LeadInput }, count: number): LeadInput[] {
  return Array.from({ length: count }, () => generator.next());
}

test('two generators with the same seed give the same 2,000 leads', () => {
  assert.deepEqual(generateLeads({ seed: 42, count: 2000 }), generateLeads({ seed: 42, count: 2000 }));
});

test('the sequence does not depend on how many leads are pulled at a time', () => {
  const oneByOne = createLeadGenerator({ seed: 7 });
  const expected = pull(oneByOne, 2500);
  const batched = createLeadGenerator({ seed: 7 });
  const actual = [...pull(batched, 1000), ...pull(batched, 1), ...pull(batched, 499), ...pull(batched, 1000)];
  assert.equal(JSON.stringify(actual), JSON.stringify(expected));
});

test('a different seed gives different leads', () => {
  const a = generateLeads({ seed: 1, count: 50 }).map((lead) => lead.email);
  const b = generateLeads({ seed: 2, count: 50 }).map((lead) => lead.email);
  assert.notDeepEqual(a, b);
  assert.ok(a.filter((email) => b.includes(email)).length < 5, 'two seeds should share almost no addresses');
});

test('the global faker instances do not disturb the sequence', async () => {
  const before = generateLeads({ seed: 5, count: 20 });
  // The package's own and its English entry's (whose class and word lists the generator uses).
  for (const { faker } of [await import('@faker-js/faker'), await import('@faker-js/faker/locale/en')]) {
    faker.seed(999);
    faker.person.fullName();
  }
  assert.deepEqual(generateLeads({ seed: 5, count: 20 }), before);
});

test('every generated lead passes validateLead unchanged', () => {
  for (const lead of generateLeads({ seed: 3, count: 5000 })) {
    const result = validateLead(lead);
    assert.ok(result.ok, `${lead.email}: ${result.ok ? '' : result.reasons.join('; ')}`);
    assert.deepEqual(result.lead, lead);
  }
});

test('generated leads live on reserved domains, are marked synthetic and name their seed', () => {
  for (const lead of generateLeads({ seed: 11, count: 3000 })) {
    assert.ok(isReservedDomain(lead.email), lead.email);
    assert.ok(isReservedDomain(lead.website), lead.website);
    assert.equal(lead.synthetic, true);
    assert.equal(lead.source, 'generator:11');
  }
});

test('emails are lowercase ASCII first.last on the company website domain', () => {
  for (const lead of generateLeads({ seed: 12, count: 3000 })) {
    assert.match(lead.email, /^[a-z0-9]+(\.[a-z0-9]+)?@[a-z0-9-]+\.example$/, lead.email);
    assert.equal(lead.website, `https://www.${lead.email.split('@')[1]}`);
    assert.match(lead.linkedinUrl, /^https:\/\/www\.linkedin\.com\/in\/[a-z0-9-]+-[0-9a-z]{7}$/, lead.linkedinUrl);
  }
});

test('leads come in companies of one to six people sharing name, domain, industry and country', () => {
  const leads = generateLeads({ seed: 13, count: 3000 });
  const runs: LeadInput[][] = [];
  for (const lead of leads) {
    const run = runs[runs.length - 1];
    if (run && run[0].website === lead.website) run.push(lead);
    else runs.push([lead]);
  }
  runs.pop(); // the last company may be cut short by the count
  for (const run of runs) {
    assert.ok(run.length >= 1 && run.length <= 6, `${run[0].company} has ${run.length} people`);
    for (const lead of run) {
      assert.equal(lead.company, run[0].company);
      assert.equal(lead.industry, run[0].industry);
      assert.equal(lead.country, run[0].country);
      assert.equal(lead.timezone, run[0].timezone);
    }
  }
  const sizes = new Set(runs.map((run) => run.length));
  assert.equal(sizes.size, 6, 'all company sizes from 1 to 6 should occur');
});

test('no email or LinkedIn URL repeats in 200,000 leads', () => {
  const generator = createLeadGenerator({ seed: 2024 });
  const emails = new Set<string>();
  const profiles = new Set<string>();
  for (let i = 0; i < 200_000; i++) {
    const lead = generator.next();
    assert.ok(!emails.has(lead.email), `duplicate email ${lead.email} at lead ${i}`);
    assert.ok(!profiles.has(lead.linkedinUrl), `duplicate profile ${lead.linkedinUrl} at lead ${i}`);
    emails.add(lead.email);
    profiles.add(lead.linkedinUrl);
  }
});

test('an industries option restricts companies to those industries', () => {
  const leads = generateLeads({ seed: 4, count: 2000, industries: ['Finance', 'logistics'] });
  assert.deepEqual(new Set(leads.map((lead) => lead.industry)), new Set(['Finance', 'Logistics']));
});

test('a countries option restricts leads to those countries, each with its timezone', () => {
  const leads = generateLeads({ seed: 4, count: 500, countries: ['Germany', 'Japan'] });
  const pairs = new Set(leads.map((lead) => `${lead.country}|${lead.timezone}`));
  assert.deepEqual(pairs, new Set(['Germany|Europe/Berlin', 'Japan|Asia/Tokyo']));
});

test('all six industries and a mix of seniorities occur by default', () => {
  const leads = generateLeads({ seed: 6, count: 3000 });
  assert.deepEqual(new Set(leads.map((lead) => lead.industry)), new Set(INDUSTRIES));
  const titles = leads.map((lead) => lead.title);
  for (const word of [/^C[A-Z]O$|^Chief /, /^VP /, /^Director /, /^Head of /, / Manager$/]) {
    assert.ok(titles.some((title) => word.test(title)), `no title matches ${word}`);
  }
});

test('every title fits the industry of its company', () => {
  for (const lead of generateLeads({ seed: 8, count: 3000 })) {
    const industry = INDUSTRIES.find((name) => name === lead.industry);
    assert.ok(industry, lead.industry);
    assert.ok(titlesFor(industry).includes(lead.title), `${lead.title} is not a ${industry} title`);
  }
});

test('an unknown industry throws an error naming it and listing the valid ones', () => {
  assert.throws(
    () => createLeadGenerator({ seed: 1, industries: ['Technology', 'Fintech'] }),
    (error: Error) => /"Fintech"/.test(error.message) && INDUSTRIES.every((name) => error.message.includes(name)),
  );
});

test('an unknown country throws an error naming it and listing the valid ones', () => {
  assert.throws(() => createLeadGenerator({ seed: 1, countries: ['Atlantis'] }), /"Atlantis".*Germany/);
});

test('a seed that is not an integer is refused', () => {
  assert.throws(() => createLeadGenerator({ seed: Number.NaN }), /seed must be an integer/);
  assert.throws(() => createLeadGenerator({ seed: 1.5 }), /seed must be an integer/);
});
