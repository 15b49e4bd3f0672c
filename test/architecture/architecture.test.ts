import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { VARIABLES } from '../../src/environment/variables.ts';
import { ROOT } from '../support/sandbox.ts';
import { cycles, importGraph } from './import-graph.ts';

const SRC = join(ROOT, 'src');

/** A file's folder under src/ (files at the top of src/ stand for themselves). */
function home(file: string): string {
  return file.includes('/') ? `${file.split('/')[0]}/` : file;
}

describe('architecture', () => {
  const graph = importGraph(SRC);

  test('the import graph is read (a file that imports nothing and is imported by nothing would say it is not)', () => {
    assert.ok(graph.size > 50, `${graph.size} files`);
    assert.ok(graph.get('cli.ts')?.includes('shim/run.ts'), 'cli.ts imports shim/run.ts (dynamically)');
    assert.ok(graph.get('launch/replace-process.ts')?.includes('launch/child.ts'));
  });

  test('no import cycle between files, type-only imports included', () => {
    assert.deepEqual(cycles(graph), []);
  });

  test(
    'no import cycle between folders, type-only imports included (launch/, store/, overlay/ and the ' +
      'rest import one way)',
    () => {
      const folders = new Map<string, string[]>();
      for (const [file, targets] of graph) {
        const from = home(file);
        const to = [...new Set(targets.map(home))].filter((target) => target !== from);
        folders.set(from, [...new Set([...(folders.get(from) ?? []), ...to])]);
      }
      assert.deepEqual(cycles(folders), []);
      assert.ok(
        !(folders.get('store/') ?? []).includes('launch/') && !(folders.get('overlay/') ?? []).includes('launch/'),
      );
    },
  );

  test('the cycle finder finds a cycle', () => {
    assert.deepEqual(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
      [['a', 'b', 'c']],
    );
  });

  test('no TFMFA_* variable is read outside the environment contract (src/environment/)', () => {
    const reads = /(?:env|process\.env)\s*(?:\.\s*TFMFA_|\[\s*['"`]TFMFA_)|\$\{?TFMFA_/;
    for (const bad of ['env.TFMFA_MIN_TTL', "process.env['TFMFA_DEBUG']", 'env [ "TFMFA_X" ]', '${TFMFA_CACHE_DIR:-x}'])
      assert.match(bad, reads);
    const offenders: string[] = [];
    for (const file of graph.keys()) {
      if (file.startsWith('environment/')) continue;
      readFileSync(join(SRC, file), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (reads.test(line)) offenders.push(`src/${file}:${index + 1}: ${line.trim()}`);
        });
    }
    const launcher = readFileSync(join(SRC, 'shim', 'launcher', 'launcher.sh'), 'utf8');
    launcher.split('\n').forEach((line, index) => {
      if (/\$\{?TFMFA_/.test(line))
        offenders.push(`src/shim/launcher/launcher.sh:${index + 1}: ${line.trim()} (use @VAR_key@)`);
    });
    assert.deepEqual(offenders, []);
  });

  test("docs/configuration.md's environment table is the contract's table", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `(TFMFA_[A-Z_]+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [
      m[1],
      (m[2] as string).trim(),
      (m[3] as string).trim(),
    ]);
    const expected = Object.values(VARIABLES).map((v) => [
      v.name,
      v.setBy === 'tfmfa' ? 'set by tfmfa' : v.default,
      v.meaning,
    ]);
    assert.deepEqual(rows, expected);
  });

  test("every src/ folder has its line in docs/design.md's tree", () => {
    const design = readFileSync(join(ROOT, 'docs', 'design.md'), 'utf8');
    const tree = /```\n(src\/[\s\S]*?)```/.exec(design)?.[1] ?? '';
    const listed = new Set([...tree.matchAll(/^ *(src\/[\w/-]+\/)/gm)].map((m) => m[1]));
    const folders = (dir: string): string[] =>
      readdirSync(dir)
        .filter((n) => statSync(join(dir, n)).isDirectory())
        .flatMap((n) => [join(dir, n), ...folders(join(dir, n))]);
    const missing = folders(SRC)
      .map((dir) => `${dir.slice(ROOT.length + 1)}/`)
      .filter((dir) => !listed.has(dir));
    assert.deepEqual(missing, []);
  });

  test('shellcheck passes on the launcher as rendered', (t) => {
    let version: string;
    try {
      version = execFileSync('shellcheck', ['--version'], { encoding: 'utf8' });
    } catch {
      if (process.env.CI) assert.fail('shellcheck is not installed (.ci/run installs it)');
      t.skip('shellcheck is not installed (Debian package shellcheck)');
      return;
    }
    assert.match(version, /version/);
    execFileSync('shellcheck', ['-s', 'sh', join(ROOT, 'shims', 'tfmfa-launcher')], { encoding: 'utf8' });
  });
});
