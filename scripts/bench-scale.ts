/**
 * Scale figures (issue 11), called by scripts/bench.ts:
 *   S1 overlay regeneration: ensureOverlay for 50,000 profiles of every kind (test/support/many-profiles.ts, a
 *      sixth of them with a source_profile that does not exist), files already read, new cache   target < 1 s
 *   S2 `tfmfa list` over the same files, a whole process (start, read, resolve, print)              target < 2 s
 * Medians of TFMFA_BENCH_SCALE_RUNS (default 5) runs; TFMFA_BENCH_PROFILES changes the count.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAwsFiles } from '../src/config/load.ts';
import { ensureOverlay } from '../src/overlay/overlay.ts';
import { writeAwsFiles } from '../test/support/aws-files.ts';
import { manyProfiles } from '../test/support/many-profiles.ts';
import { CLI } from '../test/support/sandbox.ts';
import { median } from './bench-credentials.ts';

export interface ScaleResult {
  profiles: number;
  overlayMs: number;
  listMs: number;
  overlayTargetMs: number;
  listTargetMs: number;
  met: boolean;
}

export async function benchScale(profiles = Number(process.env.TFMFA_BENCH_PROFILES ?? 50_000), runs = Number(process.env.TFMFA_BENCH_SCALE_RUNS ?? 5)): Promise<ScaleResult> {
  const { config, credentials } = manyProfiles(profiles);
  const fixture = writeAwsFiles(config, credentials);
  try {
    const files = await loadAwsFiles(fixture);
    const overlay: number[] = [];
    const list: number[] = [];
    for (let run = 0; run < runs; run++) {
      const cacheDir = mkdtempSync(join(tmpdir(), 'tfmfa-bench-scale-'));
      let started = performance.now();
      ensureOverlay({ cacheDir, files, node: process.execPath, entryPoint: CLI, user: 'bench' });
      overlay.push(performance.now() - started);
      started = performance.now();
      const result = spawnSync(process.execPath, [CLI, 'list'], {
        env: { HOME: fixture.dir, PATH: '/usr/bin:/bin', AWS_CONFIG_FILE: fixture.configPath, AWS_SHARED_CREDENTIALS_FILE: fixture.credentialsPath, TFMFA_CACHE_DIR: cacheDir },
        stdio: 'ignore',
      });
      list.push(performance.now() - started);
      rmSync(cacheDir, { recursive: true, force: true });
      if (result.status !== 0) throw new Error(`bench: tfmfa list failed (exit ${result.status})`);
    }
    const overlayMs = median(overlay);
    const listMs = median(list);
    return { profiles, overlayMs, listMs, overlayTargetMs: 1000, listTargetMs: 2000, met: overlayMs < 1000 && listMs < 2000 };
  } finally {
    fixture.cleanup();
  }
}
