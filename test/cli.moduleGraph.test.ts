/**
 * What `leadflow run` loads. Every module a command loads stays in the heap for the whole run, and V8 lets the heap
 * grow to about four times what is live before it collects: the mail stack, the CSV reader and faker's every-locale
 * entry cost a 1M-lead run 65–100 MB of peak RSS (bench/README.md, "The CLI's memory"). Commands load what only they
 * use when they run, and lib loads the SMTP client, the MIME composer and the Groq SDK with the first use of each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leadflow } from './support/cli';
import { tempDir } from './support/tmp';

/** Packages a dry run has no use for, each with a command that does use it. */
const NOT_FOR_RUN = {
  imapflow: 'inbox',
  mailparser: 'inbox',
  'csv-parse': 'import',
  'csv-stringify': 'export',
  pino: 'erase',
  nodemailer: 'send --live',
  'groq-sdk': 'run --enrich ai',
  express: 'serve',
  '@modelcontextprotocol/sdk': 'mcp',
} as const;

/** The files a CLI command loaded, from a preload that lists the module cache when the process exits. */
function loadedBy(dir: string, args: string[]): string[] {
  const preload = join(dir, 'listModules.cjs');
  const list = join(dir, `modules-${args[0]}.json`);
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`);
  const r = leadflow(['--db', join(dir, 'leadflow.db'), ...args], { NODE_OPTIONS: `--require ${preload}` });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(readFileSync(list, 'utf8')) as string[];
}

const fromPackage = (files: string[], name: string) => files.filter((f) => f.includes(`/node_modules/${name}/`));

test('`leadflow run` loads none of the packages only other commands use, nor faker beyond its English entry', (t) => {
  const dir = tempDir(t);
  const files = loadedBy(dir, ['run', '--leads', '20', '--json']);
  for (const [name, command] of Object.entries(NOT_FOR_RUN)) {
    assert.deepEqual(fromPackage(files, name), [], `${name} is loaded by \`leadflow run\`; only \`leadflow ${command}\` uses it`);
  }
  const faker = fromPackage(files, '@faker-js/faker');
  assert.ok(faker.some((f) => f.endsWith('/dist/locale/en.cjs')), 'the generator reads faker through its English entry');
  assert.ok(!faker.some((f) => f.endsWith('/dist/index.cjs')), "faker's main entry builds a Faker for each of its ~70 locales");

  // The check sees what a command loads when it runs: the export, on the same store, loads the CSV writer.
  assert.notDeepEqual(fromPackage(loadedBy(dir, ['export', '--out', join(dir, 'leads.csv')]), 'csv-stringify'), []);
});
