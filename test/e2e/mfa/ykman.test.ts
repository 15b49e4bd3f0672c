// The YubiKey driver through a stand-in `ykman` on PATH (no YubiKey here) that answers like the real CLI:
// `ykman oath accounts code --single NAME` prints the code; a touch account prints "Touch your YubiKey..."
// on stderr and waits; no key is "ERROR: No YubiKey detected!". The touch notice goes where the user sees
// it: the terminal (a real pty), else a desktop notification (notify-send stand-in: a real one needs a
// session's notification daemon), else stderr. Where Debian's yubikey-manager is installed, the real ykman's
// "no YubiKey" answer is checked too.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createFakeTool } from '../../support/fake-tool.ts';
import { spawnInPty } from '../../support/pty.ts';
import { CLI, createSandbox, NODE_DIR, SERIAL, type Sandbox } from '../../support/sandbox.ts';
import { coldRuns } from '../../support/cold-runs.ts';
import { createStandIn, createYkman, type StandIn, type Ykman } from '../../support/stand-in.ts';
import { onPath } from '../../support/xvfb.ts';

const TOUCH = "Touch your YubiKey to give the MFA code for profile 'GEHC-056'";

describe('MFA codes from a YubiKey (ykman)', () => {
  let box: Sandbox;
  let bin: string;
  let tool: { path: string };
  let ykman: Ykman;
  let notifySend: StandIn;
  const { coldEnv, sessions, freshCode } = coldRuns(() => ({ box, bin }));
  const exec = (profile: string, env: Record<string, string>) =>
    box.tfmfa(['exec', profile, '--', tool.path], { env, detached: true });

  before(async () => {
    box = await createSandbox({
      extraConfig: `[profile yk]
source_profile = GEHC-000
role_arn = arn:aws:iam::111111111111:role/team-b
mfa_serial = ${SERIAL}
mfa_prompt = ykman
mfa_ykman_account = Amazon Web Services:username@222222222222
`,
    });
    bin = join(box.dir, 'stand-ins');
    mkdirSync(bin);
    ykman = createYkman(bin);
    notifySend = createStandIn(bin, 'notify-send');
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
  });
  after(() => box.cleanup());
  beforeEach(() => {
    box.emu.resetCounts();
    notifySend.reset();
  });

  test('TFMFA_PROMPT=ykman reads the account named after the MFA device ARN', async () => {
    ykman.setKey({ [SERIAL]: { code: freshCode() } });
    const before = ykman.calls().length;
    const result = await exec('GEHC-056', coldEnv({ TFMFA_PROMPT: 'ykman' }).env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(
      ykman
        .calls()
        .slice(before)
        .map((call) => call.argv),
      [['oath', 'accounts', 'code', '--single', SERIAL]],
    );
    assert.equal(box.emu.count('GetSessionToken'), 1);
    assert.equal(result.stderr, '');
  });

  test('mfa_prompt = ykman and mfa_ykman_account in the profile: no variable needed', async () => {
    ykman.setKey({ [SERIAL]: { code: '000000' }, 'Amazon Web Services:username@222222222222': { code: freshCode() } });
    const before = ykman.calls().length;
    const result = await exec('yk', coldEnv().env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(
      ykman
        .calls()
        .slice(before)
        .map((call) => call.argv),
      [['oath', 'accounts', 'code', '--single', 'Amazon Web Services:username@222222222222']],
    );
  });

  test('a touch account without terminal or desktop: the notice is on stderr, then the code is used', async () => {
    ykman.setKey({ [SERIAL]: { code: freshCode(), touch: true } });
    const result = await exec('GEHC-056', coldEnv({ TFMFA_PROMPT: 'ykman' }).env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, `tfmfa: ${TOUCH} (${SERIAL})`);
    assert.equal(notifySend.calls().length, 0);
  });

  test('a touch account with a desktop and no terminal: a desktop notification (notify-send)', async () => {
    ykman.setKey({ [SERIAL]: { code: freshCode(), touch: true } });
    const result = await exec('GEHC-056', coldEnv({ TFMFA_PROMPT: 'ykman', DISPLAY: ':1999' }).env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.deepEqual(
      notifySend.calls().map((call) => call.argv),
      [['--app-name', 'tfmfa', '--expire-time', '15000', 'tfmfa', `${TOUCH} (${SERIAL})`]],
    );
  });

  test('a touch account on a terminal: the notice is on the terminal', async () => {
    ykman.setKey({ [SERIAL]: { code: freshCode(), touch: true } });
    const { env } = coldEnv({ TFMFA_PROMPT: 'ykman', DISPLAY: ':1999' });
    const pty = spawnInPty(process.execPath, [CLI, 'exec', 'GEHC-056', '--', tool.path], { env });
    await pty.waitFor(TOUCH);
    const status = await pty.exited;
    assert.equal(status.code, 0, pty.output());
    assert.equal(notifySend.calls().length, 0);
  });

  test('no YubiKey: one line naming the fix, no STS call, nothing cached', async () => {
    ykman.setKey(null);
    const { env, cacheDir } = coldEnv({ TFMFA_PROMPT: 'ykman' });
    const result = await exec('GEHC-056', env);
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stderr,
      "tfmfa: no YubiKey detected for profile 'GEHC-056': insert the key (and close other apps using it), then " +
        'run again',
    );
    assert.equal(box.emu.count(), 0);
    assert.equal(sessions(cacheDir), 0);
  });

  test('no such account on the key: names mfa_ykman_account', async () => {
    ykman.setKey({ other: { code: '123456' } });
    const result = await exec('GEHC-056', coldEnv({ TFMFA_PROMPT: 'ykman' }).env);
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stderr,
      `tfmfa: the YubiKey has no OATH account '${SERIAL}': add it (ykman oath accounts add) or name the right ` +
        `one with mfa_ykman_account in profile 'GEHC-056'`,
    );
  });

  test(
    'the real ykman (Debian yubikey-manager) with no key attached: the same one line',
    { skip: onPath('ykman') ? false : 'ykman is not installed (apt install yubikey-manager)' },
    async () => {
      const { env, cacheDir } = coldEnv({ TFMFA_PROMPT: 'ykman' });
      const result = await exec('GEHC-056', { ...env, PATH: box.env.PATH as string });
      assert.equal(result.exitCode, 1);
      assert.equal(
        result.stderr,
        "tfmfa: no YubiKey detected for profile 'GEHC-056': insert the key (and close other apps using it), " +
          'then run again',
      );
      assert.equal(sessions(cacheDir), 0);
    },
  );

  test('ykman not installed: one line naming how to install it', async () => {
    const { env } = coldEnv({ TFMFA_PROMPT: 'ykman' });
    const result = await exec('GEHC-056', { ...env, PATH: NODE_DIR });
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      new RegExp(
        String.raw`^tfmfa: ykman is not installed \(MFA prompt 'ykman' for profile 'GEHC-056'\): install ` +
          String.raw`YubiKey Manager \(Debian\/Ubuntu: apt install yubikey-manager; .*\)$`,
      ),
    );
  });
});
