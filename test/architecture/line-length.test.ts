// Lines of code are at most 120 characters (issue 22.7): Prettier wraps what it can (`npm run format:check` is part
// of `npm test`); this catches what it leaves, long strings and comments, and the shell scripts it does not read.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/sandbox.ts';

export const MAX_LINE = 120;
const FOLDERS = ['src', 'test', 'scripts', '.ci'];
const CHECKED = /\.(ts|sh)$|^run$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path);
    return CHECKED.test(entry.name) ? [path] : [];
  });
}

/** `file:line (length)` for every line of `text` longer than MAX_LINE characters. */
export function longLines(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, index) => ([...line].length > MAX_LINE ? [`${file}:${index + 1} (${[...line].length})`] : []));
}

test('longLines counts characters, not bytes, and names the line', () => {
  const fits = 'é'.repeat(MAX_LINE);
  assert.deepEqual(longLines('a.ts', `${fits}\n${fits}x\n`), [`a.ts:2 (${MAX_LINE + 1})`]);
});

test(`no line of the sources, tests, scripts or CI is longer than ${MAX_LINE} characters`, () => {
  const long = FOLDERS.flatMap((folder) => files(join(ROOT, folder))).flatMap((path) =>
    longLines(relative(ROOT, path), readFileSync(path, 'utf8')),
  );
  assert.deepEqual(long, [], `split these lines (strings with +, comments over several lines):\n${long.join('\n')}`);
});
