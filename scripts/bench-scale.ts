/**
 * Scale figures (issue 11), called by scripts/bench.ts:
 *   S1 overlay regeneration: ensureOverlay for 50,000 profiles of every kind (test/support/many-profiles.ts, a
 *      sixth of them with a source_profile that does not exist), files already read, new cache   target < 1 s
 *   S2 `tfmfa list` over the same files, a whole process (start, read, resolve, print)              target < 2 s
 * Medians of TFMFA_BENCH_SCALE_RUNS (default 5) runs; TFMFA_BENCH_PROFILES changes the count.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  /** CPU time (user + system), which a loaded machine does not inflate as it does wall time. */
  overlayCpuMs: number;
  listCpuMs: number | null;
  overlayTargetMs: number;
  listTargetMs: number;
  met: boolean;
}

/** CPU time of this process's waited-for children (Linux /proc: cutime + cstime), or null elsewhere. */
function childrenCpuMs(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms (USER_HZ 100)
  } catch {
    return null;
  }
}

export async function benchScale(
  profiles = Number(process.env.TFMFA_BENCH_PROFILES ?? 50_000),
  runs = Number(process.env.TFMFA_BENCH_SCALE_RUNS ?? 5),
): Promise<ScaleResult> {
  const { config, credentials } = manyProfiles(profiles);
  const fixture = writeAwsFiles(config, credentials);
  try {
    const files = await loadAwsFiles(fixture);
    const overlay: number[] = [];
    const list: number[] = [];
    const overlayCpu: number[] = [];
    const listCpu: number[] = [];
    for (let run = 0; run < runs; run++) {
      const cacheDir = mkdtempSync(join(tmpdir(), 'tfmfa-bench-scale-'));
      let started = performance.now();
      const cpu = process.cpuUsage();
      ensureOverlay({ cacheDir, files, node: process.execPath, entryPoint: CLI, user: 'bench' });
      overlay.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      overlayCpu.push((used.user + used.system) / 1000);
      const childCpu = childrenCpuMs();
      started = performance.now();
      const result = spawnSync(process.execPath, [CLI, 'list'], {
        env: {
          HOME: fixture.dir,
          PATH: '/usr/bin:/bin',
          AWS_CONFIG_FILE: fixture.configPath,
          AWS_SHARED_CREDENTIALS_FILE: fixture.credentialsPath,
          TFMFA_CACHE_DIR: cacheDir,
        },
        stdio: 'ignore',
      });
      list.push(performance.now() - started);
      const after = childrenCpuMs();
      if (childCpu !== null && after !== null) listCpu.push(after - childCpu);
      rmSync(cacheDir, { recursive: true, force: true });
      if (result.status !== 0) throw new Error(`bench: tfmfa list failed (exit ${result.status})`);
    }
    const overlayMs = median(overlay);
    const listMs = median(list);
    return {
      profiles,
      overlayMs,
      listMs,
      overlayCpuMs: median(overlayCpu),
      listCpuMs: listCpu.length ? median(listCpu) : null,
      overlayTargetMs: 1000,
      listTargetMs: 2000,
      met: overlayMs < 1000 && listMs < 2000,
    };
  } finally {
    fixture.cleanup();
  }
}
