/**
 * What the waiting parent of a long run holds (README, Design: why node:net): served from the cache, tfmfa as the
 * credential server's parent loads no HTTP stack (node:http, undici and what they bring), no terminal line editor,
 * and no AWS SDK. Memory itself is measured by `npm run bench` (P6), not here.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createSandbox, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';

const BUILTINS_HOOK = join(ROOT, 'test', 'support', 'record-builtins.cjs');
const IMPORTS_HOOK = join(ROOT, 'test', 'support', 'record-imports.mjs');
const HEAVY_BUILTINS = [
  'http',
  'https',
  '_http_server',
  '_http_client',
  'tls',
  'http2',
  'zlib',
  'internal/deps/undici/undici',
  'readline/promises',
  'worker_threads',
];

let box: Sandbox;
before(async () => {
  box = await createSandbox();
  const opened = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true']);
  assert.equal(opened.exitCode, 0, opened.stderr);
});
after(() => box.cleanup());

test(
  'exec --server served from the cache loads no HTTP stack, no line editor and no AWS SDK ' + 'while it waits',
  async () => {
    const log = join(box.dir, 'builtins');
    const imports = join(box.dir, 'imports.log');
    const child = join(box.dir, 'fetch-nothing.sh');
    writeFileSync(child, '#!/bin/sh\ntest -n "$AWS_CONTAINER_CREDENTIALS_FULL_URI"\n', { mode: 0o755 });
    const env = {
      ...box.env,
      TFMFA_DEBUG: '1',
      NODE_OPTIONS: `--require=${BUILTINS_HOOK} --import=${IMPORTS_HOOK}`,
      RECORD_BUILTINS_LOG: log,
      RECORD_IMPORTS_LOG: imports,
      RECORD_IMPORTS_MATCH: '/dist/vendor-|/node_modules/',
    };
    const run = box.tfmfa(['exec', '--server', 'GEHC-056', '--', child], { env, detached: true });
    const result = await run;
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /credential server listening on 127\.0\.0\.1:/);
    const file = `${log}.${run.pid}`;
    assert.ok(existsSync(file), 'the hook recorded the tfmfa process');
    const loaded = readFileSync(file, 'utf8').split('\n');
    assert.ok(
      loaded.includes('net') && loaded.includes('child_process'),
      'the hook sees what the server mode does load',
    );
    assert.deepEqual(
      HEAVY_BUILTINS.filter((name) => loaded.includes(name)),
      [],
    );
    // The AWS files are read with the SDK's own INI parser, bundled as a vendor file (src/config/load.ts): that
    // file and the chunks it imports may load; nothing else of dist/vendor-*, and nothing from node_modules.
    const recorded = existsSync(imports) ? readFileSync(imports, 'utf8').split('\n').filter(Boolean) : [];
    const vendorFiles = [...new Set(recorded.map((line) => line.replace(/^\d+ /, '')))];
    const iniParser = filesImportedBy(join(ROOT, 'dist', 'vendor-smithy-shared-ini-file-loader.mjs'));
    assert.ok(iniParser.size > 1, 'the INI parser is a vendor file that imports shared chunks');
    assert.deepEqual(
      vendorFiles.filter((url) => !iniParser.has(fileURLToPath(url))),
      [],
      "no vendor file but the INI parser's, no package from node_modules",
    );
  },
);

/** `file` and every file it imports statically, transitively (the bundle's relative `from "./x.mjs"` imports). */
function filesImportedBy(file: string, found = new Set<string>()): Set<string> {
  if (found.has(file)) return found;
  found.add(file);
  for (const [, name] of readFileSync(file, 'utf8').matchAll(/^import\s*(?:[^;]*?from\s*)?"\.\/([^"]+\.mjs)";?$/gm))
    filesImportedBy(join(dirname(file), name as string), found);
  return found;
}
