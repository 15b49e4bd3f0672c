// Issue 20.5: a prompt cancelled under the lock ends the runs that were waiting for it, through a marker
// beside the lock. These tests drive withLock itself (several lockers in one process: the lock is a socket
// name, so a second bind fails the same way as from another process); test/e2e/mfa/prompt-cancel.test.ts
// drives real runs at a real terminal and a real zenity dialog.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { UserError } from '../../../src/errors.ts';
import { cancelMarkerPath } from '../../../src/store/layout.ts';
import { withLock } from '../../../src/store/lock.ts';

const KEY = 'mfa:arn:aws:iam::222222222222:mfa/username';
const NAME = createHash('sha256').update(KEY).digest('hex').slice(0, 40);

interface Gate {
  promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a cancelled prompt under the lock', () => {
  const root = mkdtempSync(join(tmpdir(), 'tfmfa-cancel-'));
  let n = 0;
  const cacheDir = () => join(root, `cache-${++n}`);
  after(() => rmSync(root, { recursive: true, force: true }));
  const lock = (dir: string, work: () => Promise<string>, shareCancellation = true) =>
    withLock({ cacheDir: dir, key: KEY, description: 'the MFA device', timeoutSeconds: 20, shareCancellation }, work);
  /** A holder whose prompt is open until `cancel` or `answer` is opened. */
  const holder = (dir: string) => {
    const entered = gate();
    const cancel = gate();
    const result = lock(dir, async () => {
      entered.open();
      await cancel.promise;
      throw new UserError('MFA prompt cancelled', 130);
    });
    return { entered: entered.promise, cancel: cancel.open, result };
  };

  test('ends every waiter with the same error; a locker that comes after asks again', async () => {
    const dir = cacheDir();
    const first = holder(dir);
    await first.entered;
    let worked = 0;
    const waiters = Array.from({ length: 4 }, () => lock(dir, async () => `worked ${++worked}`));
    await sleep(300); // every waiter is polling
    first.cancel();
    await assert.rejects(first.result, { message: 'MFA prompt cancelled' });
    const outcomes = await Promise.allSettled(waiters);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      const error = (outcome as PromiseRejectedResult).reason as UserError;
      assert.ok(error instanceof UserError);
      assert.equal(error.message, 'MFA prompt cancelled');
      assert.equal(error.exitCode, 130);
    }
    assert.equal(worked, 0, 'no waiter asked again');
    assert.equal(
      await lock(dir, async () => 'asked again'),
      'asked again',
      'a run that starts waiting after the cancellation prompts',
    );
  });

  test('the marker is a 0600 file written atomically in the locks directory, no temp file left', async () => {
    const dir = cacheDir();
    const first = holder(dir);
    await first.entered;
    first.cancel();
    await assert.rejects(first.result);
    const marker = cancelMarkerPath(dir, NAME);
    assert.equal(lstatSync(marker).mode & 0o777, 0o600);
    assert.equal(lstatSync(join(dir, 'locks')).mode & 0o777, 0o700);
    assert.deepEqual(
      readdirSync(join(dir, 'locks')).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('a waiter that takes over from a holder that succeeded (or failed otherwise) runs its own work', async () => {
    const dir = cacheDir();
    const entered = gate();
    const done = gate();
    const failing = lock(dir, async () => {
      entered.open();
      await done.promise;
      throw new UserError('AWS rejected the MFA code', 1);
    });
    await entered.promise;
    const waiter = lock(dir, async () => 'waiter ran');
    await sleep(200);
    done.open();
    await assert.rejects(failing, { message: 'AWS rejected the MFA code' });
    assert.equal(await waiter, 'waiter ran');
  });

  test('a lock without shareCancellation (the key store) keeps the old way: the waiter runs its work', async () => {
    const dir = cacheDir();
    const entered = gate();
    const cancel = gate();
    const first = lock(
      dir,
      async () => {
        entered.open();
        await cancel.promise;
        throw new UserError('cancelled', 130);
      },
      false,
    );
    await entered.promise;
    const waiter = lock(dir, async () => 'waiter ran', false);
    await sleep(200);
    cancel.open();
    await assert.rejects(first);
    assert.equal(await waiter, 'waiter ran');
  });

  // Another user cannot write in the 0700 cache; should a marker that is not this user's private file be there
  // anyway (a shared cache by mistake, a symlink), it is ignored: it cannot be used to stop this user's runs.
  for (const [label, plant] of [
    [
      'owned by another user',
      (path: string) => {
        writeFileSync(path, '{"id":"planted","message":"MFA prompt cancelled"}\n', { mode: 0o600 });
        chownSync(path, 65534, 65534);
      },
    ],
    [
      'open to others (mode 644)',
      (path: string) => {
        writeFileSync(path, '{"id":"planted","message":"MFA prompt cancelled"}\n');
        chmodSync(path, 0o644);
      },
    ],
    [
      'a symlink',
      (path: string) => {
        const target = `${path}-target`;
        writeFileSync(target, '{"id":"planted","message":"MFA prompt cancelled"}\n', { mode: 0o600 });
        symlinkSync(target, path);
      },
    ],
  ] as const) {
    test(
      `a marker ${label}, planted while a run waits, is ignored`,
      { skip: label.includes('another user') && process.getuid?.() !== 0 ? 'needs root to chown' : false },
      async () => {
        const dir = cacheDir();
        const entered = gate();
        const done = gate();
        const first = lock(dir, async () => {
          entered.open();
          await done.promise;
          return 'holder done';
        });
        await entered.promise;
        const waiter = lock(dir, async () => 'waiter ran');
        await sleep(200);
        plant(cancelMarkerPath(dir, NAME));
        await sleep(300); // several polls with the planted marker in place
        done.open();
        assert.equal(await first, 'holder done');
        assert.equal(await waiter, 'waiter ran');
      },
    );
  }
});
