// kdialog, osascript and PowerShell through stand-ins on PATH (no KDE session, macOS or Windows here): each
// records the exact arguments it got and answers as the real program does (the code on stdout; its own
// exit status and message for Cancel). tfmfa runs with no terminal (its own session).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { OSASCRIPT_LINES } from '../../../src/mfa/drivers/osascript.ts';
import { powershellScript } from '../../../src/mfa/drivers/powershell.ts';
import { createFakeTool } from '../../support/fake-tool.ts';
import { createSandbox, SERIAL, type Sandbox } from '../../support/sandbox.ts';
import { coldRuns } from '../../support/cold-runs.ts';
import { createStandIn, type StandIn } from '../../support/stand-in.ts';

const TITLE = 'tfmfa: MFA code for GEHC-056';
const TEXT = `Enter the 6-digit code of the MFA device ${SERIAL}`;

describe('desktop dialogs through stand-ins (kdialog, osascript, powershell)', () => {
  let box: Sandbox;
  let bin: string;
  let tool: { path: string };
  let kdialog: StandIn;
  let osascript: StandIn;
  let powershell: StandIn;
  const { coldEnv, sessions, freshCode } = coldRuns(() => ({ box, bin }));
  const exec = (env: Record<string, string>, flags: string[] = []) =>
    box.tfmfa(['exec', 'GEHC-056', ...flags, '--', tool.path], { env, detached: true });

  before(async () => {
    box = await createSandbox();
    bin = join(box.dir, 'stand-ins');
    mkdirSync(bin);
    kdialog = createStandIn(bin, 'kdialog');
    osascript = createStandIn(bin, 'osascript');
    powershell = createStandIn(bin, 'powershell');
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
  });
  after(() => box.cleanup());
  beforeEach(() => {
    box.emu.resetCounts();
    for (const standIn of [kdialog, osascript, powershell]) standIn.reset();
  });

  test(
    'kdialog (TFMFA_PROMPT): exactly --title TITLE --password TEXT; the code comes back on ' + 'stdout, spaces allowed',
    async () => {
      const code = freshCode();
      kdialog.plan([{ stdout: `${code.slice(0, 3)} ${code.slice(3)}\n` }]);
      const { env } = coldEnv({ TFMFA_PROMPT: 'kdialog' });
      const result = await exec(env);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(
        kdialog.calls().map((call) => call.argv),
        [['--title', TITLE, '--password', TEXT]],
      );
      assert.equal(kdialog.calls()[0]?.stdinIsTTY, false);
      assert.equal(box.emu.count('GetSessionToken'), 1);
    },
  );

  test(
    'kdialog chosen by --prompt; a rejected code asks again (attempt 2 of 3), and no code is ' +
      'ever in its argv or environment',
    async () => {
      const code = freshCode();
      kdialog.plan([{ stdout: '000000\n' }, { stdout: `${code}\n` }]);
      const { env } = coldEnv();
      const result = await exec(env, ['--prompt', 'kdialog']);
      assert.equal(result.exitCode, 0, result.stderr);
      const calls = kdialog.calls();
      assert.equal(calls.length, 2);
      assert.deepEqual(calls[1]?.argv, [
        '--title',
        TITLE,
        '--password',
        `${calls[1]?.argv[3]?.split('\n')[0]}\n${TEXT}`,
      ]);
      assert.match(calls[1]?.argv[3] ?? '', /^AWS rejected the MFA code.*\(attempt 2 of 3\)\.\n/);
      for (const call of calls)
        assert.ok(!JSON.stringify(call).includes('000000') && !JSON.stringify(call).includes(code));
      assert.equal(box.emu.count('GetSessionToken'), 2);
    },
  );

  test('kdialog: an answer that is not six digits opens the dialog again saying so, before any STS call', async () => {
    kdialog.plan([{ stdout: '12ab\n' }, { stdout: `${freshCode()}\n` }]);
    const result = await exec(coldEnv({ TFMFA_PROMPT: 'kdialog' }).env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(kdialog.calls()[1]?.argv[3], `The code is 6 digits.\n${TEXT}`);
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });

  test('in a KDE session with no terminal, kdialog is chosen before zenity', async () => {
    kdialog.plan([{ stdout: `${freshCode()}\n` }]);
    const result = await exec(coldEnv({ DISPLAY: ':1999', XDG_CURRENT_DESKTOP: 'KDE' }).env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(kdialog.calls().length, 1);
  });

  test('kdialog Cancel (exit 1): exit 130, "MFA prompt cancelled", no STS call, nothing cached', async () => {
    kdialog.plan([{ exit: 1 }]);
    const { env, cacheDir } = coldEnv({ TFMFA_PROMPT: 'kdialog' });
    const result = await exec(env);
    assert.equal(result.exitCode, 130);
    assert.equal(result.stderr, 'tfmfa: MFA prompt cancelled');
    assert.equal(box.emu.count(), 0);
    assert.equal(sessions(cacheDir), 0);
  });

  test('kdialog that never answers is ended after TFMFA_PROMPT_TIMEOUT', async () => {
    kdialog.plan([{ stdout: '123456\n', delayMs: 30_000 }]);
    const started = Date.now();
    const result = await exec(coldEnv({ TFMFA_PROMPT: 'kdialog', TFMFA_PROMPT_TIMEOUT: '5' }).env);
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      new RegExp(
        String.raw`^tfmfa: no MFA code was entered within 5s \(kdialog prompt for profile 'GEHC-056'\): run ` +
          String.raw`again, or allow more time with TFMFA_PROMPT_TIMEOUT$`,
      ),
    );
    assert.ok(Date.now() - started < 15_000, "not the stand-in's 30 s");
    assert.equal(box.emu.count(), 0);
  });

  test(
    'osascript: exactly the run-handler script with TEXT TITLE SECONDS as arguments (nothing ' +
      'spliced into the script)',
    async () => {
      osascript.plan([{ stdout: `${freshCode()}\n` }]);
      const result = await exec(coldEnv({ TFMFA_PROMPT: 'osascript', TFMFA_PROMPT_TIMEOUT: '90' }).env);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(osascript.calls()[0]?.argv, [
        ...OSASCRIPT_LINES.flatMap((line) => ['-e', line]),
        TEXT,
        TITLE,
        '90',
      ]);
      assert.match(OSASCRIPT_LINES.join('\n'), /with hidden answer/);
      assert.equal(box.emu.count('GetSessionToken'), 1);
    },
  );

  test(
    'osascript Cancel ("User canceled. (-128)") is exit 130; its give-up (-1712) is the ' + 'timeout message',
    async () => {
      osascript.plan([{ stderr: '0:312: execution error: User canceled. (-128)\n', exit: 1 }]);
      const cancelled = await exec(coldEnv({ TFMFA_PROMPT: 'osascript' }).env);
      assert.equal(cancelled.exitCode, 130);
      assert.equal(cancelled.stderr, 'tfmfa: MFA prompt cancelled');
      osascript.plan([{ stderr: '0:312: execution error: no answer (-1712)\n', exit: 1 }]);
      const gaveUp = await exec(coldEnv({ TFMFA_PROMPT: 'osascript' }).env);
      assert.equal(gaveUp.exitCode, 1);
      assert.match(gaveUp.stderr, /no MFA code was entered within 120s \(osascript prompt/);
      assert.equal(box.emu.count(), 0);
    },
  );

  test(
    'powershell: -NoLogo -NoProfile -Command with the PromptForCredential script; Cancel ($null, ' +
      'exit 130) is exit 130',
    async () => {
      powershell.plan([{ stdout: freshCode() }]);
      const result = await exec(coldEnv({ TFMFA_PROMPT: 'powershell' }).env);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(powershell.calls()[0]?.argv, [
        '-NoLogo',
        '-NoProfile',
        '-Command',
        powershellScript(TITLE, TEXT),
      ]);
      assert.match(
        powershellScript(TITLE, TEXT),
        /\$Host\.UI\.PromptForCredential\('tfmfa: MFA code for GEHC-056', 'Enter the 6-digit code/,
      );
      assert.match(
        powershellScript("it's", 'x'),
        /PromptForCredential\('it''s', 'x'/,
        'a quote in the text cannot end the string',
      );
      powershell.plan([{ exit: 130 }]);
      const cancelled = await exec(coldEnv({ TFMFA_PROMPT: 'powershell' }).env);
      assert.equal(cancelled.exitCode, 130);
      assert.equal(cancelled.stderr, 'tfmfa: MFA prompt cancelled');
    },
  );

  test('a dialog program that is not installed is one line naming the fix', async () => {
    const { env } = coldEnv({ TFMFA_PROMPT: 'kdialog' });
    const result = await exec({ ...env, PATH: box.env.PATH as string });
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stderr,
      "tfmfa: kdialog is not installed (MFA prompt 'kdialog'): install it (Debian/Ubuntu: apt install kdialog) " +
        'or choose another MFA prompt (TFMFA_PROMPT)',
    );
  });
});
