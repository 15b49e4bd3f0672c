import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeFileAtomic } from '../../../src/store/atomic-write.ts';
import { withLock } from '../../../src/store/lock.ts';
import { writeTicket } from '../../../src/store/ticket-write.ts';

// Issue 11: on a full disk, a failed write removes its temp file (each run used to leave locks/salt.<pid>.tmp).
// A real full file system: a small tmpfs of our own (root with mount only; skipped elsewhere).
function fullTmpfs(): { dir: string; unmount(): void } | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'tfmfa-full-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir]).status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
const probe = fullTmpfs();
probe?.unmount();

function fill(dir: string): void {
  for (let i = 0; i < 1000; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), Buffer.alloc(4096, 1));
    } catch {
      return;
    }
  }
}

const temps = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('full disk: no temp file is left behind', { skip: !probe && 'needs root and mount (tmpfs)' }, () => {
  test('the lock salt, a ticket and an atomic write each fail cleanly', async () => {
    const mount = fullTmpfs();
    assert.ok(mount);
    try {
      const cache = join(mount.dir, 'cache');
      for (const sub of ['locks', 'tickets', 'sessions']) mkdirSync(join(cache, sub), { recursive: true, mode: 0o700 });
      fill(mount.dir);
      for (let run = 0; run < 3; run++) {
        await assert.rejects(
          withLock({ cacheDir: cache, key: 'k', description: 'd', timeoutSeconds: 1 }, async () => 1),
          /ENOSPC/,
        );
      }
      assert.deepEqual(temps(join(cache, 'locks')), [], 'no locks/salt.<pid>.tmp');
      writeTicket(
        cache,
        'prod',
        {
          minTtl: 300,
          overlay: false,
          configPath: '/nonexistent/c',
          credentialsPath: '/nonexistent/k',
          changes: { set: { AWS_ACCESS_KEY_ID: 'ASIA'.padEnd(40, 'X') }, unset: [] },
        },
        new Date(Date.now() + 3600_000),
        Date.now(),
      );
      assert.deepEqual(temps(join(cache, 'tickets')), [], 'no ticket temp file');
      assert.throws(() => writeFileAtomic(join(cache, 'sessions', 'x.json'), 'y'.repeat(10_000)), /ENOSPC/);
      assert.deepEqual(temps(join(cache, 'sessions')), [], 'no session temp file');
    } finally {
      mount.unmount();
    }
  });
});
