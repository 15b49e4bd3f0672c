import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnInPty } from '../support/pty.ts';
import { CLI, createSandbox, ROLE_ARN, ROLE_B, ROLE_C, SERIAL, type Sandbox } from '../support/sandbox.ts';

/** `TFMFA_STRESS_ROUNDS` scales the rounds (CI default 5). */
const ROUNDS = Number(process.env.TFMFA_STRESS_ROUNDS ?? 5);
const PARALLEL = 20;

function roleProfiles(mfaProcess: string): string {
  return [ROLE_ARN, ROLE_B, ROLE_C]
    .map(
      (arn, i) => `[profile par-${i}]
source_profile = GEHC-000
role_arn = ${arn}
mfa_serial = ${SERIAL}
mfa_process = ${mfaProcess}
${i === 0 ? 'external_id = 111111111111\n' : ''}`,
    )
    .join('');
}

describe('one prompt for parallel runs', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
    box.writeConfig(`${roleProfiles(box.mfaProcess)}[profile par-slow]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = sleep 60; echo 000000
`);
  });
  after(() => box.cleanup());

  test(
    `${PARALLEL} parallel credential-process calls over 3 roles: 1 code, 1 GetSessionToken, 3 ` +
      `AssumeRole, every round`,
    async () => {
      for (let round = 1; round <= ROUNDS; round++) {
        rmSync(box.cacheDir, { recursive: true, force: true });
        box.emu.resetCounts();
        box.emu.advance(30); // a new TOTP window: codes are single-use
        const runsBefore = box.mfaProcessRuns();
        const results = await Promise.all(
          Array.from({ length: PARALLEL }, (_, i) =>
            box.tfmfa(['credential-process', `par-${i % 3}`], { detached: true }),
          ),
        );
        for (const result of results) {
          assert.equal(result.exitCode, 0, `round ${round}: ${result.stderr}`);
          const output = JSON.parse(result.stdout) as Record<string, unknown>;
          assert.equal(output.Version, 1);
          assert.match(String(output.AccessKeyId), /^ASIA/);
          assert.ok(output.SecretAccessKey && output.SessionToken && output.Expiration);
        }
        const byProfile = new Map<string, Set<unknown>>();
        results.forEach((r, i) => {
          const keys = byProfile.get(`par-${i % 3}`) ?? new Set();
          keys.add((JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId);
          byProfile.set(`par-${i % 3}`, keys);
        });
        assert.deepEqual(
          [...byProfile.values()].map((s) => s.size),
          [1, 1, 1],
          'every caller of a profile got the same role session',
        );
        assert.equal(box.mfaProcessRuns() - runsBefore, 1, `round ${round}: mfa_process runs`);
        assert.equal(box.emu.count('GetSessionToken'), 1, `round ${round}: GetSessionToken`);
        assert.equal(box.emu.count('AssumeRole'), 3, `round ${round}: AssumeRole`);
        for (const file of readdirSync(join(box.cacheDir, 'sessions'))) {
          assert.ok(file.endsWith('.json'), `no temp file left: ${file}`);
          JSON.parse(readFileSync(join(box.cacheDir, 'sessions', file), 'utf8'));
        }
      }
    },
  );

  test('a lock holder killed mid-prompt releases: the next waiter takes over and gets the code itself', async () => {
    rmSync(box.cacheDir, { recursive: true, force: true });
    box.emu.resetCounts();
    box.emu.advance(30);
    const runsBefore = box.mfaProcessRuns();
    // The holder asks on a terminal (GEHC-056 has no mfa_process) and is killed while waiting for the code.
    const holder = spawnInPty(process.execPath, [CLI, 'exec', 'GEHC-056', '--', '/bin/true'], { env: box.env });
    await holder.waitFor(`Enter MFA code for ${SERIAL}`);
    const started = Date.now();
    const waiter = box.tfmfa(['credential-process', 'par-1'], { detached: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    holder.kill();
    const result = await waiter;
    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(Date.now() - started < 15_000, 'recovered within the stale-lock window');
    assert.equal(box.mfaProcessRuns() - runsBefore, 1);
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });

  test('a lock holder killed with SIGKILL (no clean-up possible) is recovered once its lock goes stale', async () => {
    rmSync(box.cacheDir, { recursive: true, force: true });
    box.emu.resetCounts();
    box.emu.advance(30);
    const holder = box.tfmfa(['credential-process', 'par-slow'], { detached: true });
    const holderPid = (holder as unknown as { pid: number }).pid;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the holder is inside its (slow) mfa_process now
    const started = Date.now();
    const waiter = box.tfmfa(['credential-process', 'par-2'], { detached: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(-holderPid, 'SIGKILL'); // the whole group: tfmfa and its mfa_process
    assert.equal((await holder).signal, 'SIGKILL');
    const result = await waiter;
    assert.equal(result.exitCode, 0, result.stderr);
    const waited = Date.now() - started;
    assert.ok(waited < 12_000, `took ${waited} ms`);
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });

  test('waiting for a live holder is bounded and ends in a clear error', async () => {
    rmSync(box.cacheDir, { recursive: true, force: true });
    const holder = spawnInPty(process.execPath, [CLI, 'exec', 'GEHC-056', '--', '/bin/true'], { env: box.env });
    try {
      await holder.waitFor(`Enter MFA code for ${SERIAL}`);
      const result = await box.tfmfa(['credential-process', 'par-1'], {
        env: { ...box.env, TFMFA_LOCK_TIMEOUT: '2' },
        detached: true,
      });
      assert.equal(result.exitCode, 1);
      assert.match(
        result.stderr,
        new RegExp(
          String.raw`^tfmfa: timed out after 2s waiting for another tfmfa process using the MFA device ` +
            String.raw`arn:aws:iam::222222222222:mfa\/username \(probably waiting for its MFA code\); ` +
            String.raw`stop that process, or raise TFMFA_LOCK_TIMEOUT$`,
        ),
      );
      assert.equal(result.stdout, '', 'nothing on stdout for credential_process consumers');
    } finally {
      holder.kill();
      await holder.exited;
    }
  });
});
