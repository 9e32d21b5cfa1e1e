import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapRow, mapRows, parseCsv } from '../lib/leads/rows';

const row = {
  'E-mail': 'Jane.Doe@Acme.io',
  'First Name': 'Jane',
  last_name: 'Doe',
  'Job Title': 'VP Engineering',
  Organization: 'Acme',
  'Company Website': 'acme.io',
  'LinkedIn Profile': 'https://www.linkedin.com/in/jane-doe',
  Industry: 'Technology',
  Country: 'Germany',
  'Time Zone': 'Europe/Berlin',
};

test('columns are found by common aliases, whatever their case, spaces or underscores', () => {
  const result = mapRow(row, undefined, 'csv:test.csv');
  assert.ok(result.ok, result.ok ? '' : result.reason);
  assert.deepEqual(result.lead, {
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane.doe@acme.io',
    title: 'VP Engineering',
    company: 'Acme',
    website: 'https://acme.io',
    linkedinUrl: 'https://www.linkedin.com/in/jane-doe',
    industry: 'Technology',
    country: 'Germany',
    timezone: 'Europe/Berlin',
    synthetic: false,
    source: 'csv:test.csv',
  });
});

test('a single full-name column is split into first and last name', () => {
  const spaced = mapRow({ name: 'Dr. Jane van der Berg', email: 'jane@acme.io', company: 'Acme', website: 'acme.io' });
  assert.ok(spaced.ok);
  assert.deepEqual([spaced.lead.firstName, spaced.lead.lastName], ['Jane', 'van der Berg']);
  const commaFirst = mapRow({ 'Full Name': 'Berg, Jane', email: 'jane@acme.io', company: 'Acme', website: 'acme.io' });
  assert.ok(commaFirst.ok);
  assert.deepEqual([commaFirst.lead.firstName, commaFirst.lead.lastName], ['Jane', 'Berg']);
});

test('an explicit mapping reads fields from columns the aliases would not find', () => {
  const source = { Contact: 'x', 'Mail Addr': 'sam@beta.dev', Given: 'Sam', Family: 'Lee', Firm: 'Beta', Site: 'beta.dev', email: 'wrong@other.dev' };
  const result = mapRow(source, { email: 'Mail Addr', firstName: 'Given', lastName: 'Family', company: 'Firm' });
  assert.ok(result.ok, result.ok ? '' : result.reason);
  assert.equal(result.lead.email, 'sam@beta.dev');
  assert.deepEqual([result.lead.firstName, result.lead.lastName, result.lead.company], ['Sam', 'Lee', 'Beta']);
  assert.equal(result.lead.website, 'https://beta.dev');
});

test('a mapping that names a column the row lacks is refused, naming the column', () => {
  const result = mapRow(row, { email: 'Email Adress' });
  assert.equal(result.ok, false);
  assert.match((result as { reason: string }).reason, /^missing_column: .*"Email Adress"/);
});

test('missing timezone, industry and website are filled from country, a default and the email domain', () => {
  const result = mapRow({ email: 'li@shop.co.uk', first_name: 'Li', surname: 'Wei', company: 'Shop', country: 'uk' });
  assert.ok(result.ok, result.ok ? '' : result.reason);
  assert.equal(result.lead.country, 'United Kingdom');
  assert.equal(result.lead.timezone, 'Europe/London');
  assert.equal(result.lead.industry, 'Unknown');
  assert.equal(result.lead.website, 'https://shop.co.uk');
  const unknownCountry = mapRow({ email: 'li@shop.co.uk', first_name: 'Li', surname: 'Wei', company: 'Shop', country: 'Atlantis' });
  assert.ok(unknownCountry.ok);
  assert.equal(unknownCountry.lead.timezone, 'UTC');
});

test('a row on a free-mail domain without a website is refused with what to add', () => {
  const result = mapRow({ email: 'li@gmail.com', first_name: 'Li', surname: 'Wei', company: 'Shop' });
  assert.equal(result.ok, false);
  assert.match((result as { reason: string }).reason, /^missing_website: .*gmail\.com.*add a website column/);
});

test('leads on reserved domains are marked synthetic', () => {
  const result = mapRow({ email: 'a@b.example', first_name: 'A', last_name: 'B', company: 'B' });
  assert.ok(result.ok);
  assert.equal(result.lead.synthetic, true);
});

test('parseCsv reads a header row, strips a BOM and keeps quoted commas in one cell', () => {
  const text = '\uFEFFemail,first name,last name,company,website\r\n' + 'ann@acme.io, Ann ,Lee,"Acme, Inc.",acme.io\r\n\r\n';
  assert.deepEqual(parseCsv(text), [
    { email: 'ann@acme.io', 'first name': 'Ann', 'last name': 'Lee', company: 'Acme, Inc.', website: 'acme.io' },
  ]);
});

test('a row with the wrong number of cells makes parseCsv throw with the line number', () => {
  const text = 'email,company\nann@acme.io,Acme\nbob@beta.io,Beta,extra\n';
  assert.throws(() => parseCsv(text), /CSV is malformed at line 3:.*quote cells that contain commas/);
});

test('an unclosed quote makes parseCsv throw saying so', () => {
  assert.throws(() => parseCsv('email,company\nann@acme.io,"Acme\n'), /CSV is malformed at line \d+:.*never closed/);
});

test('a header that names a column twice is refused', () => {
  assert.throws(() => parseCsv('email,Email,email\na,b,c\n'), /names "email" twice/);
});

test('mapRows passes good rows, rejects bad ones with their 1-based row number and reason', () => {
  const rows = parseCsv(
    [
      'email,first_name,last_name,company,website',
      'ann@acme.io,Ann,Lee,Acme,acme.io',
      'bob@,Bob,Ray,Beta,beta.io',
      'ANN@acme.io,Annie,Lee,Acme,acme.io',
      'cy@gamma.io,Cy,Ho,Gamma,gamma.io',
    ].join('\n'),
  );
  const { leads, rejected } = mapRows(rows, { source: 'csv:people.csv' });
  assert.deepEqual(
    leads.map(({ rowNumber, lead }) => [rowNumber, lead.email, lead.source]),
    [
      [1, 'ann@acme.io', 'csv:people.csv'],
      [4, 'cy@gamma.io', 'csv:people.csv'],
    ],
  );
  assert.deepEqual(
    rejected.map(({ rowNumber, reason }) => [rowNumber, reason]),
    [
      [2, 'invalid_email: "bob@" is not an email address'],
      [3, 'duplicate_in_input: ann@acme.io already appears in row 1'],
    ],
  );
  assert.equal(rejected[1].row.first_name, 'Annie', 'the rejected row is returned as it came in');
});

test('mapRows applies one mapping to rows with different columns', () => {
  const { leads, rejected } = mapRows(
    [
      { Mail: 'a@acme.io', first: 'A', last: 'One', Firm: 'Acme', website: 'acme.io' },
      { Mail: 'b@beta.io', first: 'B', last: 'Two', Firm: 'Beta', website: 'beta.io', extra: 1 },
    ],
    { mapping: { email: 'Mail', company: 'Firm' } },
  );
  assert.deepEqual(rejected, []);
  assert.deepEqual(leads.map(({ lead }) => [lead.email, lead.company, lead.source]), [
    ['a@acme.io', 'Acme', 'import'],
    ['b@beta.io', 'Beta', 'import'],
  ]);
});
