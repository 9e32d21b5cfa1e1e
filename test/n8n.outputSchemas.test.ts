/**
 * The output schemas n8n 2.x shows for our nodes before they run (nodes/<Node>/__schema__) are the nodes' real
 * output: made again here from the nodes run through n8n's engine, they must equal the shipped files — so a change to
 * what a node outputs shows up here until `npm run schemas` writes them anew.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expectedSchemaPaths, generateOutputSchemas, schemaOf, schemaText } from './support/outputSchemas';

const repo = join(__dirname, '..');

function shippedSchemaFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [relative(repo, p)];
    });
  return readdirSync(join(repo, 'nodes')).flatMap((node) => {
    const dir = join(repo, 'nodes', node, '__schema__');
    return existsSync(dir) ? walk(dir) : [];
  });
}

test('every node, and every operation of a node that has them, ships exactly one output schema', () => {
  assert.deepEqual(shippedSchemaFiles().sort(), expectedSchemaPaths().sort());
});

test('each shipped output schema is what the node really outputs (else: npm run schemas)', async () => {
  const generated = await generateOutputSchemas();
  assert.deepEqual([...generated.keys()].sort(), expectedSchemaPaths().sort());
  for (const [path, file] of generated) {
    assert.equal(readFileSync(join(repo, path), 'utf8'), schemaText(file), `${path} is not what the node outputs now: run \`npm run schemas\` and commit the result`);
  }
});

test('a schema takes every key of every item, a nullable scalar as a type list, and a nullable object as an object', () => {
  assert.deepEqual(schemaOf([{ a: 1, o: null }, { b: 'x', a: null, o: { k: true }, list: [{ n: 1 }, { m: 'y' }] }]), {
    type: 'object',
    properties: {
      a: { type: ['number', 'null'] },
      o: { type: 'object', properties: { k: { type: 'boolean' } } },
      b: { type: 'string' },
      list: { type: 'array', items: { type: 'object', properties: { n: { type: 'number' }, m: { type: 'string' } } } },
    },
  });
});
