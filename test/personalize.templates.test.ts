import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enrichByRules } from '../lib/enrich/rules';
import { checkCopy, countWords } from '../lib/personalize/copyContract';
import { DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME, draftMessages } from '../lib/personalize/templates';
import type { LeadInput, MessageDraft } from '../lib/types';

const FIRST_NAMES = ['Anna', 'raj', 'Zoë', 'José', 'Nan', "Siobhán", 'Kwame', 'LI', 'Mary Ann', '', 'Ōtani', 'Ben'];
const TITLES = [
  'CTO', 'VP of Engineering', 'Head of Operations', 'Director of Supply Chain', 'Chief Financial Officer',
  'Procurement Manager', 'Senior Data Analyst', 'Director of Clinical Operations', 'Head of E-commerce',
  'Founder & CEO', 'Dynamic Directives Architect', '', 'Senior Vice President, Global Supply Chain Planning and Procurement Excellence',
];
const COMPANIES = [
  'Acme Global Holdings', 'Pixel Labs', 'Weber and Sons', 'Kub, Hodkiewicz and Schowalter', 'St. Mary Health Inc.',
  'Northwind Inc', 'O\u2019Reilly & Co.', '', 'Vega Systems', 'Orbit LLC',
  'The Very Long Name Regional Cooperative Association of Independent Wholesale Grocers and Distributors of the Northern Territories',
];
const INDUSTRY_TEXTS = ['Technology', 'Manufacturing', 'Healthcare', 'Retail', 'Finance', 'Logistics', 'B2B SaaS', 'Renewable energy', ''];

/** A few hundred varied leads, made by a small deterministic loop (strides co-prime with each list). */
function variedLeads(count: number): LeadInput[] {
  return Array.from({ length: count }, (_, i) => {
    const firstName = FIRST_NAMES[i % FIRST_NAMES.length];
    return {
      firstName,
      lastName: 'Tester',
      email: `${(firstName || 'someone').toLowerCase().replace(/\s+/g, '.')}.${i}@company${i % 37}.example`,
      title: TITLES[(i * 5) % TITLES.length],
      company: COMPANIES[(i * 7) % COMPANIES.length],
      website: i % 4 === 0 ? '' : `https://www.company${i % 37}.example`,
      linkedinUrl: '',
      industry: INDUSTRY_TEXTS[(i * 4) % INDUSTRY_TEXTS.length],
      country: 'Germany',
      timezone: 'Europe/Berlin',
      synthetic: true,
      source: 'test',
    };
  });
}

const LEADS = variedLeads(400);
const BOTH = { channels: ['email', 'linkedin'] as const satisfies readonly ('email' | 'linkedin')[] };

function draftsFor(lead: LeadInput, opts: Parameters<typeof draftMessages>[2] = { channels: [...BOTH.channels] }): MessageDraft[] {
  return draftMessages(lead, enrichByRules(lead), opts);
}

test('every draft for a few hundred varied leads passes the copy contract', () => {
  for (const lead of LEADS) {
    for (const draft of draftsFor(lead)) {
      assert.deepEqual(checkCopy(draft), [], `${lead.email} ${draft.channel}/${draft.variant}:\n${draft.subject}\n${draft.body}`);
    }
  }
});

test('each requested channel gets one step-1 draft per variant, in the order asked', () => {
  const lead = LEADS[0];
  assert.deepEqual(
    draftsFor(lead, { channels: ['linkedin', 'email'] }).map((d) => `${d.channel}/${d.variant}/${d.step}`),
    ['linkedin/A/1', 'linkedin/B/1', 'email/A/1', 'email/B/1'],
  );
  assert.deepEqual(draftsFor(lead, { channels: ['email', 'email'] }).map((d) => d.variant), ['A', 'B']);
  assert.deepEqual(draftsFor(lead, { channels: [] }), []);
});

test('variant A and variant B say different things', () => {
  for (const lead of LEADS) {
    const [emailA, emailB, dmA, dmB] = draftsFor(lead);
    assert.notEqual(emailA.body, emailB.body);
    assert.notEqual(emailA.subject, emailB.subject);
    assert.notEqual(dmA.body, dmB.body);
  }
});

test('the same lead gets the same drafts every time', () => {
  for (const lead of LEADS.slice(0, 50)) assert.deepEqual(draftsFor(lead), draftsFor({ ...lead }));
});

test('wording varies across leads: each voice uses several openings and calls to action', () => {
  const openings = { A: new Set<string>(), B: new Set<string>() };
  const ctas = { A: new Set<string>(), B: new Set<string>() };
  for (const lead of LEADS) {
    for (const draft of draftsFor(lead, { channels: ['email'] })) {
      const paragraphs = draft.body.split('\n\n');
      openings[draft.variant].add(paragraphs[1].split(' ').slice(0, 2).join(' '));
      ctas[draft.variant].add(paragraphs[paragraphs.length - 3].split('. ').pop()!);
    }
  }
  for (const variant of ['A', 'B'] as const) {
    assert.ok(openings[variant].size >= 3, `${variant} openings: ${[...openings[variant]].join(' | ')}`);
    assert.ok(ctas[variant].size >= 3, `${variant} CTAs: ${[...ctas[variant]].join(' | ')}`);
  }
});

test('emails greet the lead by first name, name the company, and close with the default opt-out line', () => {
  const lead = { ...LEADS[0], firstName: 'anna', company: 'Pixel Labs', title: 'CTO', industry: 'Technology' };
  for (const draft of draftsFor(lead, { channels: ['email'] })) {
    assert.ok(draft.body.startsWith('Hi Anna,\n'), draft.body);
    assert.ok(draft.body.includes('Pixel Labs') || draft.subject!.includes('Pixel Labs'), draft.body);
    assert.ok(draft.body.endsWith(`\n\n${DEFAULT_OPT_OUT_LINE}`));
    assert.ok(draft.body.includes(`Best,\n${DEFAULT_SENDER_NAME}\n`));
  }
  assert.equal(DEFAULT_OPT_OUT_LINE, `If this isn't relevant, reply "unsubscribe" and I won't write again.`);
  assert.equal(DEFAULT_SENDER_NAME, 'Alex from Leadflow');
});

test('a sender name and opt-out line passed in replace the defaults', () => {
  const optOutLine = 'Not the right person? Reply "opt out" and you will not hear from me again.';
  for (const draft of draftsFor(LEADS[1], { channels: ['email'], senderName: 'Maria Silva, Northwind', optOutLine })) {
    assert.ok(draft.body.endsWith(`Best,\nMaria Silva, Northwind\n\n${optOutLine}`), draft.body);
    assert.deepEqual(checkCopy(draft), []);
  }
});

test('a broken custom opt-out line is kept as written, so the contract reports it instead of hiding it', () => {
  const optOutLine = 'To stop these emails, [Unsubscribe link].';
  for (const draft of draftsFor(LEADS[1], { channels: ['email'], optOutLine })) {
    assert.ok(draft.body.endsWith(optOutLine));
    assert.deepEqual(checkCopy(draft).map((v) => v.rule), ['placeholder']);
  }
});

test('LinkedIn drafts have no subject, no signature and no opt-out line', () => {
  for (const draft of draftsFor(LEADS[2], { channels: ['linkedin'] })) {
    assert.equal(draft.subject, null);
    assert.ok(!draft.body.includes('unsubscribe'));
    assert.ok(!draft.body.includes(DEFAULT_SENDER_NAME));
    assert.ok(countWords(draft.body) <= 60);
  }
});

test('missing or junk lead fields fall back to natural words instead of leaking into the copy', () => {
  const junk = { ...LEADS[3], firstName: '{{firstName}}', company: '[Company]', title: 'undefined', industry: 'null' };
  for (const draft of draftsFor(junk)) {
    assert.deepEqual(checkCopy(draft), [], draft.body);
    assert.ok(draft.body.startsWith('Hi there,'), draft.body);
    assert.ok(!/\{|\[|undefined|null/.test(draft.body + (draft.subject ?? '')), draft.body);
  }
  for (const firstName of ['null', 'N/A', '  ', 'NaN']) {
    assert.ok(draftsFor({ ...LEADS[3], firstName })[0].body.startsWith('Hi there,'), firstName);
  }
});

test('line breaks inside lead fields never reach the message as CR or broken lines', () => {
  const messy = { ...LEADS[4], firstName: 'Anna\r\n', company: 'Acme\r\nGroup', title: 'Head of\tOperations' };
  for (const draft of draftsFor(messy)) {
    assert.deepEqual(checkCopy(draft), [], draft.body);
    assert.ok(!draft.body.includes('\r'));
    assert.ok(draft.body.includes('Acme Group') || draft.subject?.includes('Acme Group') || !draft.body.includes('Acme'), draft.body);
  }
});

test('very long fields fall back to a compact message that still fits the budget', () => {
  const long = {
    ...LEADS[5],
    company: Array.from({ length: 40 }, (_, i) => `Word${i}`).join(' '),
    title: Array.from({ length: 30 }, (_, i) => `Title${i}`).join(' '),
  };
  for (const draft of draftsFor(long)) assert.deepEqual(checkCopy(draft), [], `${draft.channel}/${draft.variant}: ${countWords(draft.body)} words`);
});

test('an enrichment with no pain points or triggers still yields clean drafts', () => {
  const lead = LEADS[6];
  const drafts = draftMessages(lead, { painPoints: [], buyingTriggers: [] }, { channels: ['email', 'linkedin'] });
  assert.equal(drafts.length, 4);
  for (const draft of drafts) assert.deepEqual(checkCopy(draft), [], draft.body);
});

test('model-written pain points are shaped to sit mid-sentence', () => {
  const lead = { ...LEADS[7], email: 'fixed@company.example' };
  const drafts = draftMessages(
    lead,
    { painPoints: ['Manual data entry slows the sales team.', 'Manual data entry slows the sales team.'], buyingTriggers: ['ERP migration.'] },
    { channels: ['email'] },
  );
  for (const draft of drafts) {
    assert.ok(draft.body.includes('manual data entry slows the sales team'), draft.body);
    assert.ok(!draft.body.includes('team.,') && !draft.body.includes('team..'), draft.body);
    assert.ok(draft.body.includes('ERP migration'), draft.body);
  }
});
