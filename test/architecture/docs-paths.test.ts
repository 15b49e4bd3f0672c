// Every path the documentation names exists: the README, CONTRIBUTING.md and docs/ name source files, tests and
// scripts, and a renamed or deleted file must not leave a stale pointer behind.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/sandbox.ts';

const TOP_FOLDERS = ['src', 'test', 'scripts', 'shims', 'docs', '.ci', 'dist'];
/** Folders a build or an install makes: a fresh clone has none of them. */
const GENERATED = ['dist/', 'shims/'];

function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

/** The repository paths a document names: `src/…`-style words in backticks and relative Markdown links. */
export function namedPaths(document: string, text: string): string[] {
  const paths: string[] = [];
  const word = new RegExp(`\`((?:${TOP_FOLDERS.map((f) => f.replace('.', '\\.')).join('|')})/[\\w./-]*)\``, 'g');
  for (const match of text.matchAll(word)) paths.push(match[1] as string);
  for (const match of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
    const target = match[1] as string;
    if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
    paths.push(normalize(join(dirname(document), target)));
  }
  return paths;
}

test('namedPaths finds backticked repository paths and relative links, not URLs', () => {
  const text =
    'see `src/cli.ts`, [a](docs/x.md#y), [b](../README.md), [c](https://example.com/a), `~/.aws/config`, `src/x/`';
  assert.deepEqual(namedPaths('docs/y.md', text), ['src/cli.ts', 'src/x/', 'docs/docs/x.md', 'README.md']);
});

test('every path the documentation names exists', () => {
  const missing: string[] = [];
  for (const document of documents()) {
    for (const path of namedPaths(document, readFileSync(join(ROOT, document), 'utf8'))) {
      if (GENERATED.some((folder) => path.startsWith(folder) && path !== folder)) continue;
      if (!existsSync(join(ROOT, path))) missing.push(`${document}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the README stays a short introduction (at most 250 lines)', () => {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length;
  assert.ok(lines <= 250, `README.md has ${lines} lines: move reference material to docs/`);
});
