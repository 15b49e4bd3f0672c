// Scale (issue 11): overlay regeneration and `tfmfa list` are linear in the number of profiles, whatever the mix,
// including thousands whose source_profile does not exist (the "did you mean" hint made both quadratic: 5,000
// such profiles took about 19 s). Bounds are generous (10× the targets that `npm run bench` reports as S1/S2)
// so that a loaded CI machine passes; the quadratic version needs minutes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAwsFiles } from '../../src/config/load.ts';
import { ensureOverlay } from '../../src/overlay/overlay.ts';
import { writeAwsFiles } from '../support/aws-files.ts';
import { manyProfiles } from '../support/many-profiles.ts';
import { CLI } from '../support/sandbox.ts';

const PROFILES = 50_000;

test(
  `${PROFILES} profiles of every kind (a sixth with a missing source_profile): overlay < 10 s, list < 20 s`,
  { timeout: 120_000 },
  async () => {
    const { config, credentials } = manyProfiles(PROFILES);
    const fixture = writeAwsFiles(config, credentials);
    const cacheDir = mkdtempSync(join(tmpdir(), 'tfmfa-scale-'));
    try {
      const files = await loadAwsFiles(fixture);
      let started = performance.now();
      const overlay = ensureOverlay({ cacheDir, files, node: process.execPath, entryPoint: CLI, user: 'u' });
      const overlayMs = performance.now() - started;
      const expected = Array.from({ length: PROFILES }, (_, i) => i % 6).filter(
        (kind) => kind === 0 || kind === 1 || kind === 3,
      ).length;
      assert.equal(overlay.rewritten.length, expected, 'static, MFA role and chained role profiles are rewritten');
      assert.ok(!readFileSync(overlay.configPath, 'utf8').includes('secret-'), 'no key in the overlay');
      assert.ok(overlayMs < 10_000, `overlay regeneration took ${overlayMs.toFixed(0)} ms`);

      started = performance.now();
      const list = spawnSync(process.execPath, [CLI, 'list'], {
        env: {
          HOME: fixture.dir,
          PATH: '/usr/bin:/bin',
          AWS_CONFIG_FILE: fixture.configPath,
          AWS_SHARED_CREDENTIALS_FILE: fixture.credentialsPath,
          TFMFA_CACHE_DIR: cacheDir,
        },
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      const listMs = performance.now() - started;
      assert.equal(list.status, 0, list.stderr);
      assert.match(list.stdout, /profile 'missing-2-source' \(source_profile of 'p2'\) not found/);
      assert.ok(listMs < 20_000, `tfmfa list took ${listMs.toFixed(0)} ms`);
    } finally {
      fixture.cleanup();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  },
);
