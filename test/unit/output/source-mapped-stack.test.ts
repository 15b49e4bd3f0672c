import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { build } from 'esbuild';
import { sourceMappedStack } from '../../../src/output/source-mapped-stack.ts';

describe('sourceMappedStack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfmfa-map-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('frames in a bundled file point at the source line that threw; unmapped frames stay', async () => {
    const source = join(dir, 'thrower.ts');
    writeFileSync(
      source,
      `export const unused: number = 1;\n\nexport function boom(): never {\n  throw new Error('boom');\n}\n`,
    );
    const outfile = join(dir, 'out', 'bundle.js');
    await build({
      entryPoints: [source],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
    });
    const { boom } = (await import(pathToFileURL(outfile).href)) as { boom: () => never };
    let stack = '';
    try {
      boom();
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    assert.match(stack, /out\/bundle\.js:\d+:\d+/, 'the raw stack names the bundle');
    const mapped = sourceMappedStack(stack);
    assert.ok(mapped.includes(`${source}:4:9`), mapped);
    assert.doesNotMatch(mapped, /out\/bundle\.js/);
    assert.equal(sourceMappedStack('at x (file:///nonexistent/a.js:1:2)'), 'at x (file:///nonexistent/a.js:1:2)');
  });

  test('frames in a CommonJS bundle (a plain path, here with spaces) are mapped too', async () => {
    const source = join(dir, 'cjs-thrower.ts');
    writeFileSync(
      source,
      `export const unused: number = 1;\n\nexport function boom(): never {\n  throw new Error('boom');\n}\n`,
    );
    const outfile = join(dir, 'out dir with spaces', 'bundle.cjs');
    await build({
      entryPoints: [source],
      outfile,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
    });
    const { boom } = createRequire(import.meta.url)(outfile) as { boom: () => never };
    let stack = '';
    try {
      boom();
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    assert.match(
      stack,
      new RegExp(`\\(${outfile.replace(/[.]/g, '\\.')}:\\d+:\\d+\\)`),
      'the raw stack names the bundle by its path',
    );
    const mapped = sourceMappedStack(stack);
    assert.ok(mapped.includes(`${source}:4:9`), mapped);
    assert.doesNotMatch(mapped, /bundle\.cjs/);
    assert.equal(sourceMappedStack('at x (/nonexistent/a.js:1:2)'), 'at x (/nonexistent/a.js:1:2)');
  });
});
