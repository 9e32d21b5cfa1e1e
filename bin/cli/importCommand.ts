/**
 * `leadflow import FILE`: leads from a CSV file as a tool exported it. The report says how the file was read, which
 * column fed which field, which columns were kept as attributes, what looks amiss, and every rejected row with its
 * reason. Exits 1 when no row went in (unless every row was already in the store: importing twice is no failure).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { openOrCreateDb } from './commandStore';
import { closeDb } from '../../lib/store/openDb';
import type { ImportReport } from '../../lib/leads/importLeads';
import { MAPPABLE_FIELDS, type FieldMapping, type MappableField } from '../../lib/leads/columns';

/** `--map title=Designation`, repeatable: one field read from a column the aliases do not find. */
function fieldMapping(raw: string, previous: FieldMapping = {}): FieldMapping {
  const eq = raw.indexOf('=');
  const name = eq < 0 ? '' : raw.slice(0, eq).trim();
  const column = eq < 0 ? '' : raw.slice(eq + 1).trim();
  const field = MAPPABLE_FIELDS.find((f) => f.toLowerCase() === name.toLowerCase());
  if (!field || column === '') {
    throw new InvalidArgumentError(`takes FIELD=COLUMN, e.g. title="Designation", where FIELD is one of ${MAPPABLE_FIELDS.join(', ')}; got "${raw}".`);
  }
  return { ...previous, [field]: column };
}

export function registerImportCommand(program: Command): void {
  program
    .command('import <file>')
    .description(
      'import leads from a CSV file (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252; a preamble above the header is skipped): ' +
        'bad rows are reported with their reason, good rows go in, other columns are kept as attributes',
    )
    .option('--map <field=column>', `read a field from a column the aliases miss (repeatable): ${MAPPABLE_FIELDS.join(', ')}`, fieldMapping)
    .option('--campaign <name>', 'new leads join this campaign (default: the built-in demo); see `leadflow campaign list`')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { json?: boolean; map?: FieldMapping; campaign?: string }) => {
      // Loaded when the command runs (the CSV reader and the encodings are the import's alone).
      const { importCsvFile, importedNothing } = await import('../../lib/leads/importLeads.js');
      const store = await openOrCreateDb(program);
      try {
        const report = await importCsvFile(store, file, { mapping: o.map, campaign: o.campaign });
        if (o.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        else process.stdout.write(describeImport(report, store.location, o.campaign));
        if (importedNothing(report)) process.exitCode = 1;
      } finally {
        await closeDb(store);
      }
    });
}

const FIELD_NAMES: Record<MappableField, string> = {
  firstName: 'first name', lastName: 'last name', fullName: 'full name', email: 'email', title: 'title',
  company: 'company', website: 'website', linkedinUrl: 'LinkedIn URL', industry: 'industry', country: 'country',
  timezone: 'timezone',
};

/** The report for a person: the count first, then how the file was read, its columns, warnings, rejected rows. */
export function describeImport(report: ImportReport, storePath: string, campaign?: string): string {
  const lines = [`${report.inserted} of ${report.rows} row(s) imported into ${storePath}${campaign ? `, campaign "${campaign}"` : ''}`];
  const f = report.format;
  if (f) lines.push(`read as ${[f.encoding, `${f.delimiter}-separated`].filter(Boolean).join(', ')}, header on line ${f.headerLine}`);
  if (report.fields.length) lines.push(`fields: ${report.fields.map((x) => `${FIELD_NAMES[x.field]} ← "${x.column}"`).join(', ')}`);
  lines.push(
    report.attributes.length
      ? `kept as attributes: ${report.attributes.map((c) => `"${c}"`).join(', ')}`
      : 'kept as attributes: none (every column fed a field)',
  );
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  if (report.rejected.length) lines.push(`rejected: ${report.rejected.length} row(s)`);
  for (const r of report.rejected) lines.push(`  row ${r.rowNumber}: ${r.reason}`);
  return lines.join('\n') + '\n';
}
