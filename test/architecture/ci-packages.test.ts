// CONTRIBUTING.md's Tests and CI section names exactly the Debian packages .ci/run installs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/sandbox.ts';

test('CONTRIBUTING.md lists the Debian packages of .ci/run', () => {
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  const installed = [...ci.matchAll(/need\+=\(([^)]*)\)/g)].flatMap((m) => (m[1] as string).trim().split(/\s+/));
  assert.ok(installed.length > 0, 'no need+=(…) in .ci/run');
  const contributing = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8');
  const development = contributing.slice(contributing.indexOf('## Tests and CI'));
  const listed = /The Debian packages `\.ci\/run` installs when missing[^:]*:\s*([^.]+)\./.exec(development)?.[1];
  assert.ok(listed, "CONTRIBUTING.md's Tests and CI section has no list of the Debian packages");
  assert.deepEqual(
    listed
      .split(',')
      .map((name) => name.trim())
      .sort(),
    [...new Set(installed)].sort(),
  );
});
