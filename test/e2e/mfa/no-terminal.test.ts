// Runs with no terminal and no cached session, end to end: a shim (stdin, stdout, stderr pipes, its own
// session so /dev/tty cannot be opened) and `exec`, each told in one line what would work in its mode.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NODE_DIR } from '../../support/sandbox.ts';
import { onPath } from '../../support/xvfb.ts';
import { createShimWorld, type ShimWorld } from '../../support/shim-world.ts';

describe('no terminal, no cached session: what the message names', () => {
  let world: ShimWorld;
  let round = 0;
  const cold = (extra: Record<string, string> = {}) => ({
    AWS_PROFILE: 'GEHC-056',
    TFMFA_CACHE_DIR: join(world.box.dir, `cache-${++round}`),
    ...extra,
  });

  before(async () => {
    world = await createShimWorld();
  });
  after(() => world.cleanup());

  test(
    'a shim: open-session with the profile, mfa_process and mfa_prompt; no --mfa-token (a ' + 'shim has no flags)',
    async () => {
      const result = await world.run('node', 'terraform', ['plan'], { env: cold() });
      assert.equal(result.exitCode, 1);
      assert.equal(
        result.stderr,
        "tfmfa: an MFA code is needed for arn:aws:iam::222222222222:mfa/username (profile 'GEHC-056') but there " +
          "is no terminal to ask on and no desktop dialog: run 'tfmfa open-session GEHC-056' in a terminal " +
          'first (later runs use the cached session), or set mfa_process (a command that prints the code) or ' +
          "mfa_prompt (e.g. ykman) in profile 'GEHC-056'\n",
      );
      assert.equal(world.box.emu.count(), 0);
    },
  );

  test(
    'a shim on a desktop with no dialog program installed: also "install zenity or kdialog", ' + 'and TFMFA_PROMPT',
    async () => {
      const path = `${world.shimDir('node')}:${world.fakeBin}:${NODE_DIR}`; // no /usr/bin: no zenity, no kdialog
      const result = await world.run('node', 'terraform', ['plan'], { env: cold({ DISPLAY: ':1999', PATH: path }) });
      assert.equal(result.exitCode, 1);
      assert.match(
        result.stderr,
        new RegExp(
          String.raw`^tfmfa: an MFA code is needed .*, or install zenity or kdialog for a dialog on this desktop ` +
            String.raw`\(DISPLAY=:1999; TFMFA_PROMPT=zenity picks it\)\n$`,
        ),
      );
      assert.ok(!result.stderr.includes('--mfa-token'));
    },
  );

  test('exec names --mfa-token too; --prompt with an unknown name is a usage error (exit 2)', async () => {
    const box = world.box;
    const exec = await box.tfmfa(['exec', 'GEHC-056', '--', '/bin/true'], {
      env: { ...box.env, TFMFA_CACHE_DIR: join(box.dir, `cache-${++round}`) },
      detached: true,
    });
    assert.equal(exec.exitCode, 1);
    assert.match(
      exec.stderr,
      new RegExp(
        String.raw`run 'tfmfa open-session GEHC-056' in a terminal first \(later runs use the cached session\), ` +
          String.raw`pass --mfa-token CODE, or set mfa_process`,
      ),
    );
    const bad = await box.tfmfa(['exec', 'GEHC-056', '--prompt', 'gui', '--', '/bin/true'], { detached: true });
    assert.equal(bad.exitCode, 2);
    assert.equal(
      bad.stderr,
      "tfmfa: --prompt: unknown MFA prompt 'gui': use one of auto, terminal, zenity, kdialog, osascript, " +
        'powershell, ykman',
    );
  });

  test('TFMFA_PROMPT=terminal without a terminal: says so instead of waiting', async () => {
    const result = await world.run('node', 'terraform', ['plan'], { env: cold({ TFMFA_PROMPT: 'terminal' }) });
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      new RegExp(
        String.raw`^tfmfa: the MFA prompt 'terminal' \(TFMFA_PROMPT\) needs a terminal and this run has none: ` +
          String.raw`run 'tfmfa open-session GEHC-056'`,
      ),
    );
  });

  test('doctor shows the driver a run would use now and why', async () => {
    const box = world.box;
    const ykman = await box.tfmfa(['doctor', 'GEHC-056'], {
      env: { ...box.env, TFMFA_PROMPT: 'ykman' },
      detached: true,
    });
    assert.match(ykman.stdout, /MFA code: the YubiKey \(ykman\) \(TFMFA_PROMPT\); one code opens the session/);
  });

  test(
    'doctor without a terminal on a desktop with zenity: the zenity dialog',
    { skip: onPath('zenity') ? false : 'zenity is not installed' },
    async () => {
      const box = world.box;
      const zenity = await box.tfmfa(['doctor', 'GEHC-056'], { env: { ...box.env, DISPLAY: ':1999' }, detached: true });
      assert.match(
        zenity.stdout,
        /MFA code: a zenity dialog \(no terminal; desktop session \(DISPLAY=:1999\) and zenity installed\)/,
      );
    },
  );
});
