// `tfmfa open-session`: the MFA session and role sessions opened ahead of time in a terminal, so that runs
// without a terminal (an IDE task, cron) are served from the cache; and such a run through a real shim with
// stdin, stdout and stderr not terminals and no controlling terminal (setsid) when nothing is cached.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { spawnInPty } from '../support/pty.ts';
import { CLI } from '../support/sandbox.ts';
import { createShimWorld, VIAS, type ShimWorld } from '../support/shim-world.ts';

const SETSID = '/usr/bin/setsid';

describe('tfmfa open-session', () => {
  let world: ShimWorld;
  before(async () => {
    world = await createShimWorld();
  });
  after(() => world.cleanup());
  beforeEach(async () => {
    await world.box.tfmfa(['clear']);
    world.box.emu.resetCounts();
  });

  /** A shim run as cron or an IDE would start it: no terminal anywhere, a new session without a controlling tty. */
  const detachedShim = (via: (typeof VIAS)[number], tool: string, args: string[]) =>
    execa(SETSID, ['-w', join(world.shimDir(via), tool), ...args], {
      env: world.env(via, { AWS_PROFILE: 'GEHC-056' }),
      extendEnv: false,
      reject: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      cwd: world.box.dir,
      timeout: 30_000,
      input: '',
    });

  test(
    'opens the MFA session and the role, writes the ticket, says how long and which profiles ' + 'it serves',
    async () => {
      const result = await world.box.tfmfa(['open-session', 'GEHC-056', '--mfa-token', world.freshCode()]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      const lines = String(result.stdout).trimEnd().split('\n');
      assert.match(
        lines[0] ?? '',
        new RegExp(
          String.raw`^MFA session arn:aws:iam::\d+:mfa\/\S+ \(GEHC-000\): open until \d{4}-\d\d-\d\d \d\d:\d\d ` +
            String.raw`UTC \((7h5\dm|8h0\dm) left\)$`,
        ),
      );
      assert.equal(lines[1], '  serves 3 profile(s) without another code: GEHC-056, team-b, team-c');
      assert.match(
        lines[2] ?? '',
        new RegExp(
          String.raw`^profile 'GEHC-056': role arn:aws:iam::\S+ \(GEHC-056\): open until .* UTC \((\d+h)?\d+m ` +
            String.raw`left\) \(renewed from the MFA session without a code while it lasts\)$`,
        ),
      );
      assert.equal(lines.length, 3);
      assert.equal(String(result.stderr), '');
      assert.ok(existsSync(join(world.box.cacheDir, 'tickets', 'GEHC-056.ticket')));
    },
  );

  test('several profiles on one device: one code, the MFA session reported once', async () => {
    const result = await world.box.tfmfa([
      'open-session',
      'GEHC-056',
      'team-c',
      'GEHC-000',
      '--mfa-token',
      world.freshCode(),
      '--session-ttl',
      '2h',
    ]);
    assert.equal(result.exitCode, 0, String(result.stderr));
    const out = String(result.stdout);
    assert.equal(out.match(/^MFA session/gm)?.length, 1);
    assert.match(out, /^MFA session .*\((1h5\dm|2h0\dm) left\)$/m);
    assert.match(out, /^profile 'team-c': role .*\n/m);
    assert.match(out, /^profile 'GEHC-000' needs neither MFA nor a role: nothing to open$/m);
    assert.equal(world.box.emu.count('GetSessionToken'), 1);
    for (const profile of ['GEHC-056', 'team-c'])
      assert.ok(existsSync(join(world.box.cacheDir, 'tickets', `${profile}.ticket`)), profile);
  });

  test('an unknown profile or one without credentials: one line, non-zero, nothing opened', async () => {
    for (const bad of ['nope', 'plain']) {
      const result = await world.box.tfmfa(['open-session', 'GEHC-056', bad, '--mfa-token', world.freshCode()]);
      assert.notEqual(result.exitCode, 0, bad);
      assert.equal(String(result.stderr).trim().split('\n').length, 1);
      assert.match(String(result.stderr), new RegExp(`^tfmfa: .*'${bad}'`));
      assert.equal(world.box.emu.count(), 0);
      assert.equal(existsSync(join(world.box.cacheDir, 'tickets', 'GEHC-056.ticket')), false);
    }
  });

  test(
    'in a terminal: asks for the code there; a shim run without any terminal afterwards is ' + 'served from the cache',
    async () => {
      const session = spawnInPty(process.execPath, [CLI, 'open-session', 'GEHC-056'], {
        env: world.box.env,
        cwd: world.box.dir,
      });
      await session.waitFor(/code/i);
      session.write(`${world.freshCode()}\r`);
      const end = await session.exited;
      assert.equal(end.code, 0, session.output());
      assert.match(session.output(), /serves 3 profile\(s\)/);
      for (const via of VIAS) {
        const result = await detachedShim(via, 'terraform', ['plan']);
        assert.equal(result.exitCode, 0, String(result.stderr));
        assert.match(world.last('terraform').env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
        assert.equal(world.last('terraform').stdinIsTTY, false);
      }
      assert.equal(world.box.emu.count('GetSessionToken'), 1);
    },
  );

  for (const via of VIAS) {
    test(
      `a shim via ${via} with no terminal and nothing cached: ends at once with one line and a non-zero exit`,
      { skip: !existsSync(SETSID) && 'setsid is not installed' },
      async () => {
        const started = Date.now();
        const result = await detachedShim(via, 'terraform', ['plan']);
        assert.equal(result.timedOut, false);
        assert.notEqual(result.exitCode, 0);
        const lines = String(result.stderr).trim().split('\n');
        assert.equal(lines.length, 1, String(result.stderr));
        assert.match(
          lines[0] ?? '',
          new RegExp(
            String.raw`^tfmfa: an MFA code is needed for .* \(profile 'GEHC-056'\) but there is no terminal to ` +
              String.raw`ask on and no desktop dialog: run 'tfmfa open-session GEHC-056' in a terminal first ` +
              String.raw`.*mfa_process`,
          ),
        );
        assert.doesNotMatch(lines[0] ?? '', /--mfa-token/, 'a shim has no command line to pass --mfa-token on');
        assert.ok(Date.now() - started < 20_000);
        assert.equal(world.box.emu.count(), 0);
      },
    );
  }
});
