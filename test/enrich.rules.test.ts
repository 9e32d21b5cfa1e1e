import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enrichByRules, RULES_VERSION, type RulesInput } from '../lib/enrich/rules';
import { COMPANY_SIZES } from '../lib/enrich/companySize';
import { countWords } from '../lib/personalize/wordCount';
import { INDUSTRIES, type LeadInput } from '../lib/types';

function lead(overrides: Partial<LeadInput> = {}): LeadInput {
  return {
    firstName: 'Anna',
    lastName: 'Schmidt',
    email: 'anna.schmidt@acme.example',
    title: 'VP of Operations',
    company: 'Acme Manufacturing Group',
    website: 'https://www.acme.example',
    linkedinUrl: '',
    industry: 'Manufacturing',
    country: 'Germany',
    timezone: 'Europe/Berlin',
    synthetic: true,
    source: 'test',
    ...overrides,
  };
}

const sizeIndex = (size: string) => COMPANY_SIZES.indexOf(size as (typeof COMPANY_SIZES)[number]);

test('the same lead always gets the same enrichment', () => {
  for (let i = 0; i < 200; i++) {
    const input = lead({ company: `Company ${i} Systems`, website: `https://c${i}.example`, title: ['CTO', 'Buyer', 'Head of Ops'][i % 3] });
    assert.deepEqual(enrichByRules(input), enrichByRules(structuredClone(input)));
  }
});

test('enrichment is labelled rules-v1', () => {
  assert.equal(RULES_VERSION, 'rules-v1');
  assert.equal(enrichByRules(lead()).source, 'rules-v1');
});

test('seniority follows the keywords in the title', () => {
  const cases: Array<[string, string]> = [
    ['Chief Technology Officer', 'C-level'],
    ['CFO', 'C-level'],
    ['Founder & CEO', 'C-level'],
    ['Managing Director', 'C-level'],
    ['President', 'C-level'],
    ['Vice President of Sales', 'VP'],
    ['SVP Engineering', 'VP'],
    ['VP, Supply Chain', 'VP'],
    ['Director of Operations', 'Director'],
    ['Head of E-commerce', 'Director'],
    ['Procurement Manager', 'Manager'],
    ['Team Lead, Data Platform', 'Manager'],
    ['Senior Data Analyst', 'Individual contributor'],
    ['Product Owner', 'Individual contributor'],
    ['Dynamic Directives Architect', 'Individual contributor'],
    ['', 'Individual contributor'],
  ];
  for (const [title, seniority] of cases) assert.equal(enrichByRules(lead({ title })).seniority, seniority, title);
});

test('persona comes from the title function and seniority', () => {
  const cases: Array<[string, string, string]> = [
    ['CTO', 'Technology', 'Technical decision maker'],
    ['VP of Engineering', 'Finance', 'Technical decision maker'],
    ['VP Operations', 'Manufacturing', 'Operations leader'],
    ['CFO', 'Finance', 'Finance executive'],
    ['Director of Clinical Operations', 'Healthcare', 'Clinical operations leader'],
    ['Head of Operations', 'Healthcare', 'Clinical operations leader'],
    ['Head of E-commerce', 'Retail', 'Commerce leader'],
    ['Supply Chain Director', 'Logistics', 'Supply chain leader'],
    ['Procurement Manager', 'Manufacturing', 'Supply chain manager'],
    ['Software Engineer', 'Technology', 'Technical practitioner'],
    ['Founder & CEO', 'Retail', 'Executive decision maker'],
    ['Regional Director', 'Retail', 'Business leader'],
  ];
  for (const [title, industry, persona] of cases) {
    assert.equal(enrichByRules(lead({ title, industry })).persona, persona, `${title} in ${industry}`);
  }
});

test('a CMO at a hospital is clinical while a CMO at a software company is marketing', () => {
  assert.equal(enrichByRules(lead({ title: 'CMO', industry: 'Healthcare' })).persona, 'Clinical operations leader');
  assert.equal(enrichByRules(lead({ title: 'CMO', industry: 'Technology' })).persona, 'Marketing leader');
});

test('an unknown industry falls back to generic copy with lower confidence', () => {
  const known = enrichByRules(lead({ industry: 'Manufacturing' }));
  const unknown = enrichByRules(lead({ industry: 'Underwater basket weaving' }));
  assert.ok(unknown.confidence < known.confidence, `${unknown.confidence} < ${known.confidence}`);
  assert.ok(unknown.painPoints.length >= 2 && unknown.painPoints.length <= 3);
  assert.ok(unknown.buyingTriggers.length >= 1 && unknown.buyingTriggers.length <= 2);
  assert.notDeepEqual(unknown.painPoints, known.painPoints);
});

test('a free-text industry is mapped by keyword, with less confidence than an exact name', () => {
  const exact = enrichByRules(lead({ title: 'CTO', industry: 'Technology' }));
  const mapped = enrichByRules(lead({ title: 'CTO', industry: 'B2B SaaS' }));
  assert.deepEqual(mapped.painPoints, exact.painPoints);
  assert.ok(mapped.confidence < exact.confidence);
  assert.deepEqual(enrichByRules(lead({ industry: 'Freight forwarding' })).painPoints, enrichByRules(lead({ industry: 'Logistics' })).painPoints);
});

test('provenance names exactly the enrichment fields, each from a rule', () => {
  const enrichment = enrichByRules(lead());
  const fields = Object.keys(enrichment).filter((key) => key !== 'provenance' && key !== 'source');
  assert.deepEqual(Object.keys(enrichment.provenance).sort(), fields.sort());
  assert.ok(Object.values(enrichment.provenance).every((p) => p === 'rule'));
});

test('confidence stays within 0..1 and rises with each piece of evidence', () => {
  const bare: RulesInput = { title: 'Wizard', company: 'Quartz', industry: '', website: '', email: '' };
  const steps = [
    enrichByRules(bare).confidence,
    enrichByRules({ ...bare, title: 'Senior Wizard Manager' }).confidence,
    enrichByRules({ ...bare, title: 'Procurement Manager' }).confidence,
    enrichByRules({ ...bare, title: 'Procurement Manager', industry: 'Retail' }).confidence,
    enrichByRules({ ...bare, title: 'Procurement Manager', industry: 'Retail', company: 'Quartz Holdings' }).confidence,
  ];
  for (let i = 1; i < steps.length; i++) assert.ok(steps[i] > steps[i - 1], `step ${i}: ${steps.join(' → ')}`);
  assert.ok(steps[0] >= 0 && steps[0] < 0.3, `no evidence: ${steps[0]}`);
  assert.equal(steps[steps.length - 1], 1);
});

test('company size is stable for a domain and varied across domains', () => {
  const sizes = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const input = lead({ company: `Quartz ${i}`, website: `https://quartz${i}.example`, industry: 'Technology' });
    const size = enrichByRules(input).companySize;
    assert.equal(enrichByRules({ ...input, title: 'Someone else' }).companySize, size);
    sizes.add(size);
  }
  assert.ok(sizes.size >= 4, `only ${[...sizes].join(', ')}`);
});

test('a lead without a website is keyed by its email domain', () => {
  for (let i = 0; i < 50; i++) {
    const withWebsite = lead({ company: `Quartz ${i}`, website: `https://www.q${i}.example/about`, email: `x@other${i}.example` });
    const withEmailOnly = lead({ company: `Quartz ${i}`, website: '', email: `someone@q${i}.example` });
    assert.equal(enrichByRules(withEmailOnly).companySize, enrichByRules(withWebsite).companySize);
  }
});

test('size signals in the company name bound the size', () => {
  for (let i = 0; i < 100; i++) {
    const website = `https://c${i}.example`;
    const big = enrichByRules(lead({ company: `Northwind Global Holdings`, website, industry: 'Retail' })).companySize;
    const small = enrichByRules(lead({ company: `Pixel Labs`, website, industry: 'Retail' })).companySize;
    const family = enrichByRules(lead({ company: `Weber and Sons`, website, industry: 'Retail' })).companySize;
    assert.ok(sizeIndex(big) >= sizeIndex('201-1000'), big);
    assert.ok(sizeIndex(small) <= sizeIndex('51-200'), small);
    assert.ok(sizeIndex(family) >= sizeIndex('11-50') && sizeIndex(family) <= sizeIndex('51-200'), family);
  }
});

test('every industry and function gets 2–3 distinct pain points and 1–2 triggers that fit a sentence', () => {
  const titles = [
    'CTO', 'COO', 'CFO', 'VP Sales', 'CMO', 'Head of Procurement', 'Director of Nursing',
    'Head of E-commerce', 'HR Manager', 'Product Manager', 'Founder', 'Wizard',
  ];
  for (const industry of [...INDUSTRIES, 'Basket weaving']) {
    for (const title of titles) {
      const { painPoints, buyingTriggers } = enrichByRules(lead({ title, industry }));
      const where = `${title} in ${industry}`;
      assert.ok(painPoints.length >= 2 && painPoints.length <= 3, where);
      assert.ok(buyingTriggers.length >= 1 && buyingTriggers.length <= 2, where);
      assert.equal(new Set(painPoints).size, painPoints.length, `${where}: duplicate pain`);
      for (const pain of painPoints) assert.ok(countWords(pain) <= 12 && !/[.!?]$/.test(pain) && /^[a-zA-Z]/.test(pain), `${where}: ${pain}`);
      for (const trigger of buyingTriggers) assert.ok(countWords(trigger) <= 9 && !/[.!?]$/.test(trigger), `${where}: ${trigger}`);
    }
  }
});

test('the lists in an enrichment are its own: changing one does not change the next', () => {
  const first = enrichByRules(lead());
  first.painPoints.push('something else');
  first.buyingTriggers.length = 0;
  const second = enrichByRules(lead());
  assert.ok(!second.painPoints.includes('something else'));
  assert.ok(second.buyingTriggers.length > 0);
});

test('missing fields on an imported lead do not throw', () => {
  const sparse = { title: '', company: '', industry: '', website: '', email: '' };
  const enrichment = enrichByRules(sparse);
  assert.equal(enrichment.seniority, 'Individual contributor');
  assert.ok(COMPANY_SIZES.includes(enrichment.companySize));
});
