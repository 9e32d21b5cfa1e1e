/**
 * `leadflow import` with the files people have: exports shaped like Apollo's, HubSpot's, Salesforce's, Pipedrive's,
 * Lemlist's, a Sales Navigator tool's and LinkedIn's own Connections.csv (test/fixtures/import), the original
 * design's columns, and the encodings and delimiters Excel writes — each imported through the CLI into a real store
 * and read back from it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../lib/store/store';
import { getLeadByEmail, leadAttributes } from '../lib/store/leads';
import { getLeadDetail } from '../lib/leads/detail';
import { importCsvFile, importRows, type ImportReport } from '../lib/leads/importLeads';
import { leadflow } from './support/cli';
import { mcpOverStdio } from './support/mcpClient';
import { tempDir } from './support/tmp';

const FIXTURES = join(__dirname, 'fixtures', 'import');

/** `leadflow import FILE --json` into a fresh store: the exit code, the report, and the store to read back. */
function importFile(t: import('node:test').TestContext, file: string, args: string[] = []) {
  const db = join(tempDir(t), 'leads.db');
  const r = leadflow(['--db', db, 'import', file, '--json', ...args]);
  const report = r.stdout ? (JSON.parse(r.stdout) as ImportReport) : undefined;
  const store = openStore(db);
  t.after(() => store.close());
  return { code: r.code, stderr: r.stderr, report, store };
}

function write(t: import('node:test').TestContext, name: string, bytes: Buffer | string): string {
  const path = join(tempDir(t), name);
  writeFileSync(path, bytes);
  return path;
}

/** Each stored lead as [first name, last name, title, company], in import order. */
function people(store: Store): string[][] {
  return store
    .stmt('SELECT first_name, last_name, title, company FROM leads ORDER BY id')
    .all()
    .map((r) => [r.first_name, r.last_name, r.title, r.company] as string[]);
}

function fieldOf(report: ImportReport, field: string): string[] {
  return report.fields.filter((f) => f.field === field).map((f) => f.column);
}

const EXPORTS: { file: string; people: string[][]; reads: Record<string, string> }[] = [
  {
    file: 'original-design.csv',
    people: [['Ada', 'Lovelace', 'CTO', 'Analytical Engines'], ['Grace', 'Hopper', 'VP Engineering', 'Cobol Works']],
    reads: { fullName: 'full_name', title: 'role_title', company: 'company_name', website: 'company_website', linkedinUrl: 'linkedin_url' },
  },
  {
    file: 'apollo.csv',
    people: [['Marta', 'Kowalska', 'Head of Operations', 'Freight Loop'], ['Kenji', 'Tanaka', 'Chief Technology Officer', 'Nimbus Data']],
    reads: { title: 'Title', company: 'Company', linkedinUrl: 'Person Linkedin Url', website: 'Website', country: 'Country' },
  },
  {
    file: 'hubspot.csv',
    people: [['Lena', 'Schmidt', 'Marketing Director', 'Brandwerk GmbH'], ['Omar', 'Haddad', 'Data Lead', 'Souk Analytics']],
    reads: { title: 'Job Title', company: 'Company Name', website: 'Website URL', country: 'Country/Region' },
  },
  {
    file: 'salesforce.csv',
    people: [['Priya', 'Raman', 'Procurement Manager', 'Indus Metals'], ['Lucas', 'Moreau', 'Directeur Financier', 'Banque Alpine']],
    reads: { company: 'Company / Account', country: 'Mailing Country', website: 'Website' },
  },
  {
    file: 'pipedrive.csv',
    people: [['Sofia', 'Rossi', 'Creative Director', 'Vetro Design'], ['Jan', 'de Vries', 'Operations Manager', 'Polder Logistics']],
    reads: { fullName: 'Person - Name', email: 'Person - Email - Work', title: 'Person - Job title', company: 'Person - Organization', country: 'Person - Postal address - Country' },
  },
  {
    file: 'lemlist.csv',
    people: [['Noor', 'Al-Sayed', 'Head of Growth', 'BrightPath'], ['Tom', 'Becker', 'Founder', 'Quarry Labs']],
    reads: { firstName: 'firstName', title: 'jobTitle', company: 'companyName', linkedinUrl: 'linkedinUrl' },
  },
  {
    file: 'sales-navigator.csv',
    people: [['Aiko', 'Sato', 'VP Sales', 'Kaizen Robotics'], ['Diego', 'Fernández', 'Chief Revenue Officer', 'Andes Fintech']],
    reads: { title: 'Job Title', company: 'Company Name', linkedinUrl: 'Profile URL', industry: 'Company Industry' },
  },
];

for (const shape of EXPORTS) {
  test(`${shape.file}: every person lands with first name, title and company, and the report names the columns read`, (t) => {
    const { code, stderr, report, store } = importFile(t, join(FIXTURES, shape.file));
    assert.equal(code, 0, stderr);
    assert.deepEqual(report?.rejected, []);
    assert.equal(report?.inserted, shape.people.length);
    assert.deepEqual(people(store), shape.people);
    for (const [field, column] of Object.entries(shape.reads)) assert.deepEqual(fieldOf(report!, field), [column], field);
  });
}

test('Apollo: the LinkedIn address and the company website come from their own columns, http:// read as https', (t) => {
  const { store } = importFile(t, join(FIXTURES, 'apollo.csv'));
  const marta = getLeadByEmail(store, 'marta@freightloop.example')!;
  assert.equal(marta.linkedinUrl, 'https://www.linkedin.com/in/marta-kowalska');
  assert.equal(marta.website, 'http://www.freightloop.example');
  assert.equal(marta.country, 'Poland');
  assert.equal(marta.timezone, 'UTC', 'Poland is not in the country table: the zone falls back, the country stays');
});

test("HubSpot: the website is read from Website URL, not guessed from the email's domain", (t) => {
  const { store } = importFile(t, join(FIXTURES, 'hubspot.csv'));
  const lena = getLeadByEmail(store, 'lena.schmidt@mailbox.example')!;
  assert.equal(lena.website, 'https://brandwerk.example');
  assert.equal(lena.companyDomain, 'brandwerk.example');
  assert.equal(lena.timezone, 'Europe/Berlin', 'the timezone follows Country/Region');
});

test("LinkedIn's Connections.csv: the Notes preamble is skipped, URL is the LinkedIn profile, a connection without an email is reported", (t) => {
  const { code, report, store } = importFile(t, join(FIXTURES, 'Connections.csv'));
  assert.equal(code, 0);
  assert.deepEqual(report?.format, { encoding: 'UTF-8', delimiter: 'comma', headerLine: 4 });
  assert.deepEqual(people(store), [['Fatima', 'Zahra', 'Head of Platform', 'Atlas Cloud'], ['Min-jun', 'Park', 'Research Director', 'Han River Bio']]);
  assert.deepEqual(report?.rejected, [{ rowNumber: 2, reason: 'missing_email: email is required' }]);
  const fatima = getLeadByEmail(store, 'fatima@atlas-cloud.example')!;
  assert.equal(fatima.linkedinUrl, 'https://www.linkedin.com/in/fatima-zahra');
  assert.equal(fatima.companyDomain, 'atlas-cloud.example', 'linkedin.com is never the company');
  assert.deepEqual(fieldOf(report!, 'linkedinUrl'), ['URL']);
  assert.deepEqual(fieldOf(report!, 'website'), []);
  assert.deepEqual(leadAttributes(store, fatima.id), { 'Connected On': '12 Mar 2024' });
});

test('Sales Navigator profile links are kept as the LinkedIn URL', (t) => {
  const { store } = importFile(t, join(FIXTURES, 'sales-navigator.csv'));
  assert.equal(getLeadByEmail(store, 'aiko.sato@kaizenrobotics.example')?.linkedinUrl, 'https://www.linkedin.com/sales/lead/ACwAAB1x2y3z,NAME_SEARCH,k9Qa');
});

test('a semicolon-separated file with a UTF-8 byte-order mark (Excel in much of Europe) imports', (t) => {
  const csv = '\uFEFFVorname;Nachname;E-Mail;Position;Firma;Land\nJürgen;Weiß;juergen@werkzeug.example;Einkaufsleiter;Werkzeug AG;Deutschland\n';
  const { code, report, store } = importFile(t, write(t, 'kontakte.csv', csv));
  assert.equal(code, 0);
  assert.deepEqual(report?.format, { encoding: 'UTF-8 with BOM', delimiter: 'semicolon', headerLine: 1 });
  assert.deepEqual(people(store), [['Jürgen', 'Weiß', 'Einkaufsleiter', 'Werkzeug AG']]);
  assert.equal(getLeadByEmail(store, 'juergen@werkzeug.example')?.country, 'Germany');
});

test('a tab-separated UTF-16 LE file with a byte-order mark (Excel\'s "Unicode Text") imports', (t) => {
  const text = 'First Name\tLast Name\tEmail\tJob Title\tCompany\nZoë\tÅberg\tzoe@fjord.example\tCOO\tFjord Shipping\n李雷\t\tli.lei@dragon.example\tCTO\t龙科技\n';
  const file = write(t, 'unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const { code, report, store } = importFile(t, file);
  assert.equal(code, 0);
  assert.deepEqual(report?.format, { encoding: 'UTF-16 LE', delimiter: 'tab', headerLine: 1 });
  assert.deepEqual(people(store), [['Zoë', 'Åberg', 'COO', 'Fjord Shipping'], ['李雷', '', 'CTO', '龙科技']]);
});

test('a Windows-1252 file (Excel\'s "CSV" on Windows) is decoded as such: José García, no replacement characters', (t) => {
  const file = write(t, 'clientes.csv', Buffer.from('Nombre;Apellido;Email;Cargo;Empresa\nJosé;García;jose@empresa.test;Director Comercial;Cañada SA\n', 'latin1'));
  const { code, report, store } = importFile(t, file);
  assert.equal(code, 0);
  assert.equal(report?.format?.encoding, 'Windows-1252');
  assert.deepEqual(people(store), [['José', 'García', 'Director Comercial', 'Cañada SA']]);
  assert.equal(store.stmt("SELECT count(*) AS n FROM leads WHERE first_name || last_name || company LIKE '%' || char(65533) || '%'").get()?.n, 0);
});

test('a file that is plain ASCII for its first 64 KiB and Windows-1252 after it is read again, whole, as Windows-1252', async (t) => {
  const rows = Array.from({ length: 2_000 }, (_, i) => `p${i}@ascii.example,Pat,Tester,Analyst,Ascii Co`);
  const file = write(t, 'late.csv', Buffer.from(['email,first name,last name,title,company', ...rows, 'ana@empresa.test,Ana,Muñoz,CEO,Peña'].join('\n') + '\n', 'latin1'));
  assert.ok(readFileSync(file).length > 64 * 1024, 'the accented row is past the first chunk');
  const store = openStore(join(tempDir(t), 'x.db'));
  t.after(() => store.close());
  const report = await importCsvFile(store, file);
  assert.equal(report.inserted, 2_001);
  assert.equal(report.format?.encoding, 'Windows-1252');
  assert.deepEqual([getLeadByEmail(store, 'ana@empresa.test')?.lastName, getLeadByEmail(store, 'ana@empresa.test')?.company], ['Muñoz', 'Peña']);
});

test('files leadflow cannot read as text are refused with a sentence that names the problem, and change nothing', (t) => {
  const cases: [string, Buffer, RegExp][] = [
    ['book.xlsx', Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), /is an Excel workbook \(\.xlsx\).*CSV UTF-8/],
    ['nobom.csv', Buffer.from('email,first name\nann@a.example,Ann\n', 'utf16le'), /UTF-16 text without a byte-order mark/],
    ['mixed.csv', Buffer.concat([Buffer.from('email,first name\nann@a.example,Zoë\n'), Buffer.from('bo@b.example,Jos\xe9\n', 'latin1')]), /mixes encodings/],
  ];
  for (const [name, bytes, says] of cases) {
    const { code, stderr, store } = importFile(t, write(t, name, bytes));
    assert.equal(code, 2, name);
    assert.match(stderr, says, name);
    assert.equal(store.stmt('SELECT count(*) AS n FROM leads').get()?.n, 0, name);
  }
});

test('a line break inside a quoted cell is folded to a space, and the row goes in', (t) => {
  const csv = 'email,first_name,last_name,title,company,notes\nann@acme.example,Ann,Lee,"Head of\nSales","Acme\r\n  Holdings","met at\n\nSaaStr"\n';
  const { code, report, store } = importFile(t, write(t, 'breaks.csv', csv));
  assert.equal(code, 0);
  assert.deepEqual(report?.rejected, []);
  assert.deepEqual(people(store), [['Ann', 'Lee', 'Head of Sales', 'Acme Holdings']]);
  assert.deepEqual(leadAttributes(store, getLeadByEmail(store, 'ann@acme.example')!.id), { notes: 'met at SaaStr' });
});

test('columns no field reads are kept with each lead as attributes, reported, and shown in the lead detail and the CSV export', async (t) => {
  const { report, store } = importFile(t, join(FIXTURES, 'apollo.csv'));
  assert.ok(report?.attributes.includes('Seniority') && report.attributes.includes('Apollo Contact Id'), report?.attributes.join(', '));
  assert.ok(!report?.attributes.includes('Title'), 'a column that fed a field is not also an attribute');
  const kenji = getLeadByEmail(store, 'kenji@nimbusdata.example')!;
  const attributes = (await getLeadDetail(store, kenji.id))!.attributes;
  assert.equal(attributes.Seniority, 'c_suite');
  assert.equal(attributes['# Employees'], '45');
  assert.equal(attributes.Technologies, 'AWS');
  assert.equal('Mobile Phone' in attributes, false, 'an empty cell is not stored');

  const db = store.path;
  const exported = leadflow(['--db', db, 'export']);
  assert.equal(exported.code, 0, exported.stderr);
  const [header, ...lines] = exported.stdout.trim().split('\n');
  assert.ok(header.endsWith(',Apollo Contact Id,Apollo Account Id'), header);
  assert.match(lines[1], /,c_suite,/);

  const human = leadflow(['--db', join(tempDir(t), 'h.db'), 'import', join(FIXTURES, 'apollo.csv')]);
  assert.match(human.stdout, /^fields: .*title ← "Title".*LinkedIn URL ← "Person Linkedin Url"/m);
  assert.match(human.stdout, /^kept as attributes: "Company Name for Emails", "Email Status", "Seniority",/m);
});

test('a title-like column nobody reads is named in a warning, and --map reads it', (t) => {
  const csv = 'Email,Name,Designation,Organisation\nravi@tatva.example,Ravi Kumar,General Manager,Tatva Systems\n';
  const file = write(t, 'india.csv', csv);
  const { report, store } = importFile(t, file);
  assert.deepEqual(report?.warnings, [
    '"Designation" looks like a job title, but no column was read as title: it was kept as an attribute; map it to title or rename the column "Title" to use it',
  ]);
  assert.equal(getLeadByEmail(store, 'ravi@tatva.example')?.title, '');

  const human = leadflow(['--db', join(tempDir(t), 'h.db'), 'import', file]);
  assert.match(human.stdout, /^warning: "Designation" looks like a job title/m);

  const mapped = importFile(t, file, ['--map', 'title=Designation']);
  assert.deepEqual(mapped.report?.warnings, []);
  assert.equal(getLeadByEmail(mapped.store, 'ravi@tatva.example')?.title, 'General Manager');
});

test('a mononym or an unspaced name imports as the first name, with an empty last name', (t) => {
  const csv = 'Full Name,Email,Title,Company\nSuharto,suharto@nusantara.example,Director,Nusantara\n李雷,lilei@dragon.example,CTO,Dragon Tech\n';
  const { code, report, store } = importFile(t, write(t, 'names.csv', csv));
  assert.equal(code, 0);
  assert.deepEqual(report?.rejected, []);
  assert.deepEqual(people(store), [['Suharto', '', 'Director', 'Nusantara'], ['李雷', '', 'CTO', 'Dragon Tech']]);
});

test('a mononym with no company goes all the way through a run: written to as "Hi Suharto," and addressed To: Suharto', (t) => {
  const db = join(tempDir(t), 'x.db');
  assert.equal(leadflow(['--db', db, 'import', write(t, 'one.csv', 'Full Name,Email,Title\nSuharto,suharto@nusantara.example,Director\n')]).code, 0);
  const run = leadflow(['--db', db, 'run', '--leads', '0', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const mime = leadflow(['--db', db, 'preview', 'suharto@nusantara.example']);
  assert.equal(mime.code, 0, mime.stderr);
  assert.match(mime.stdout, /^To: Suharto <suharto@nusantara\.example>$/m);
  assert.match(mime.stdout, /^Hi Suharto,$/m);
  assert.doesNotMatch(mime.stdout, /undefined|null/);
});

test('import exits 1 when no row went in, and 0 when every row was already in the store', (t) => {
  const bad = write(t, 'bad.csv', 'email,first name\nnot-an-email,Ann\n,Bob\n');
  const db = join(tempDir(t), 'x.db');
  const none = leadflow(['--db', db, 'import', bad]);
  assert.equal(none.code, 1, none.stdout);
  assert.match(none.stdout, /^0 of 2 row\(s\) imported/);
  assert.match(none.stdout, /row 1: invalid_email/);

  const good = join(FIXTURES, 'lemlist.csv');
  assert.equal(leadflow(['--db', db, 'import', good]).code, 0);
  const again = leadflow(['--db', db, 'import', good, '--json']);
  assert.equal(again.code, 0, 'importing the same file twice is not a failure');
  assert.equal(JSON.parse(again.stdout).inserted, 0);
});

test('rows given as objects (n8n items, MCP rows) report their columns and keep the rest as attributes', async (t) => {
  const store = openStore(join(tempDir(t), 'x.db'));
  t.after(() => store.close());
  const report = await importRows(
    store,
    [
      { email: 'ann@acme.example', 'Job Function Title': 'Buyer', company: 'Acme', score: 87, tags: ['a', 'b'] },
      { email: 'bo@beta.example', company: 'Beta', region: 'EMEA' },
    ],
    { source: 'n8n' },
  );
  assert.equal(report.inserted, 2);
  assert.deepEqual(report.fields, [{ field: 'email', column: 'email' }, { field: 'company', column: 'company' }]);
  assert.deepEqual(report.attributes, ['Job Function Title', 'score', 'tags', 'region']);
  assert.match(report.warnings[0], /^"Job Function Title" looks like a job title/);
  assert.equal(report.format, undefined);
  const ann = getLeadByEmail(store, 'ann@acme.example')!;
  assert.deepEqual(leadAttributes(store, ann.id), { 'Job Function Title': 'Buyer', score: '87', tags: '["a","b"]' });
});

test('import_leads over MCP reads a semicolon CSV text and returns the same report, attributes shown by get_lead', async (t) => {
  const db = join(tempDir(t), 'mcp.db');
  const mcp = await mcpOverStdio(t, db);
  const csv = 'Nombre;Apellido;Email;Cargo;Empresa;Sector comercial\nJosé;García;jose@empresa.test;CTO;Cañada SA;Retail\n';
  const r = await mcp.ok<ImportReport>('import_leads', { csv });
  assert.equal(r.inserted, 1);
  assert.deepEqual(r.format, { delimiter: 'semicolon', headerLine: 1 });
  assert.deepEqual(fieldOf(r, 'title'), ['Cargo']);
  assert.deepEqual(r.attributes, ['Sector comercial']);
  const detail = await mcp.ok<{ lead: { firstName: string }; attributes: Record<string, string> }>('get_lead', { id: r.ids[0] });
  assert.equal(detail.lead.firstName, 'José');
  assert.deepEqual(detail.attributes, { 'Sector comercial': 'Retail' });
});
