// Which MFA code source a run uses, and the one-line error when nothing fits: the choice as a function of
// the request and the surroundings (terminal, platform, installed programs), then the messages through a
// real shim run and `exec` with no terminal.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as choose from '../../../src/mfa/choose.ts';
import type { PromptSurroundings } from '../../../src/mfa/choose.ts';
import * as promptSettings from '../../../src/mfa/prompt-settings.ts';
import { isMfaCode, normalizeMfaCode, type MfaRequest as SettingsRequest } from '../../../src/mfa/types.ts';
import { readSettings } from '../../../src/environment/settings.ts';

/** The request with its environment as a plain object; the functions get it read into Settings. */
type MfaRequest = Omit<SettingsRequest, 'settings'> & { env?: Record<string, string> };
const withSettings = ({ env = {}, ...rest }: MfaRequest): SettingsRequest => ({ ...rest, settings: readSettings(env) });
const decideMfaSource = (r: MfaRequest, a: PromptSurroundings) => choose.decideMfaSource(withSettings(r), a);
const chooseMfaSource = (r: MfaRequest, a?: PromptSurroundings) => choose.chooseMfaSource(withSettings(r), a);
const describeMfaChoice = (r: MfaRequest, a?: PromptSurroundings) => choose.describeMfaChoice(withSettings(r), a);
const promptTimeoutSeconds = (env: Record<string, string>) => promptSettings.promptTimeoutSeconds(readSettings(env));
import { UserError } from '../../../src/errors.ts';
import { checkMfaCodeFlag } from '../../../src/mfa/flag.ts';

const SERIAL = 'arn:aws:iam::222222222222:mfa/username';
const around = (over: Partial<PromptSurroundings> & { programs?: string[] } = {}): PromptSurroundings => ({
  terminal: over.terminal ?? false,
  platform: over.platform ?? 'linux',
  installed: over.installed ?? ((program) => (over.programs ?? ['zenity', 'kdialog']).includes(program)),
});
const request = (over: Partial<MfaRequest> = {}): MfaRequest => ({ serial: SERIAL, profile: 'prod', env: {}, ...over });
const source = (r: MfaRequest, a: PromptSurroundings) => decideMfaSource(r, a).source;

describe('choosing the MFA code source', () => {
  test('order: --mfa-token, --prompt, TFMFA_PROMPT, mfa_process, mfa_prompt, terminal, dialog', () => {
    const all = request({
      mfaCode: checkMfaCodeFlag('123456'),
      prompt: 'kdialog',
      env: { TFMFA_PROMPT: 'ykman', DISPLAY: ':0' },
      mfaProcess: 'x',
      profilePrompt: 'osascript',
    });
    const a = around({ terminal: true });
    assert.equal(source(all, a), 'flag');
    const { mfaCode: _f, ...noFlag } = all;
    assert.equal(source(noFlag, a), 'kdialog');
    const { prompt: _p, ...noPrompt } = noFlag;
    assert.deepEqual(decideMfaSource(noPrompt, a), { source: 'ykman', why: 'TFMFA_PROMPT' });
    const noEnv = { ...noPrompt, env: { DISPLAY: ':0' } };
    assert.equal(source(noEnv, a), 'mfa_process');
    const { mfaProcess: _m, ...noProcess } = noEnv;
    assert.deepEqual(decideMfaSource(noProcess, a), { source: 'osascript', why: "mfa_prompt in profile 'prod'" });
    const { profilePrompt: _q, ...nothing } = noProcess;
    assert.deepEqual(decideMfaSource(nothing, a), { source: 'terminal', why: 'this run has a terminal' });
    assert.deepEqual(decideMfaSource(nothing, around()), {
      source: 'zenity',
      why: 'no terminal; desktop session (DISPLAY=:0) and zenity installed',
    });
  });

  test('--prompt auto undoes TFMFA_PROMPT for one run; TFMFA_PROMPT=auto is the default order', () => {
    const env = { TFMFA_PROMPT: 'ykman' };
    assert.equal(source(request({ env, prompt: 'auto' }), around({ terminal: true })), 'terminal');
    assert.equal(
      source(request({ prompt: 'auto', profilePrompt: 'ykman' }), around({ terminal: true })),
      'terminal',
      'and mfa_prompt',
    );
    assert.equal(
      source(request({ prompt: 'auto', mfaProcess: 'x' }), around({ terminal: true })),
      'mfa_process',
      'but not mfa_process',
    );
    assert.equal(
      source(request({ env: { TFMFA_PROMPT: 'auto' }, profilePrompt: 'ykman' }), around({ terminal: true })),
      'ykman',
    );
    assert.equal(
      source(request({ env: { TFMFA_PROMPT: ' Zenity ' } }), around({ terminal: true })),
      'zenity',
      'names are trimmed, any case',
    );
  });

  test('desktop dialogs: KDE prefers kdialog, Wayland counts, whatever is installed is used', () => {
    assert.equal(source(request({ env: { DISPLAY: ':0', XDG_CURRENT_DESKTOP: 'KDE' } }), around()), 'kdialog');
    assert.equal(
      source(request({ env: { WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'GNOME' } }), around()),
      'zenity',
    );
    assert.equal(source(request({ env: { DISPLAY: ':0' } }), around({ programs: ['kdialog'] })), 'kdialog');
    assert.equal(
      source(request({ env: { DISPLAY: ':0', XDG_CURRENT_DESKTOP: 'KDE' } }), around({ programs: ['zenity'] })),
      'zenity',
    );
    assert.equal(source(request({ env: {} }), around()), 'none', 'no display: no dialog');
    assert.equal(source(request(), around({ platform: 'darwin', programs: ['osascript'] })), 'osascript');
    assert.equal(source(request(), around({ platform: 'win32', programs: ['powershell'] })), 'powershell');
  });

  test(
    'nothing fits: one line naming open-session with the profile, --mfa-token (not for a shim), ' +
      'mfa_process and mfa_prompt',
    () => {
      const plain = decideMfaSource(request(), around());
      assert.equal(plain.source, 'none');
      assert.equal(
        plain.source === 'none' && plain.error,
        `an MFA code is needed for ${SERIAL} (profile 'prod') but there is no terminal to ask on and no desktop ` +
          `dialog: run 'tfmfa open-session prod' in a terminal first (later runs use the cached session), pass ` +
          `--mfa-token CODE, or set mfa_process (a command that prints the code) or mfa_prompt (e.g. ykman) in ` +
          `profile 'prod'`,
      );
      const shim = decideMfaSource(request({ shim: true }), around());
      assert.ok(
        shim.source === 'none' && !shim.error.includes('--mfa-token') && shim.error.includes('tfmfa open-session prod'),
      );
    },
  );

  test('a display without zenity or kdialog: the message says to install one and how TFMFA_PROMPT picks it', () => {
    const x11 = decideMfaSource(request({ shim: true, env: { DISPLAY: ':0' } }), around({ programs: [] }));
    assert.ok(x11.source === 'none');
    assert.match(
      x11.error,
      /, or install zenity or kdialog for a dialog on this desktop \(DISPLAY=:0; TFMFA_PROMPT=zenity picks it\)$/,
    );
    const kde = decideMfaSource(
      request({ env: { DISPLAY: ':0', XDG_CURRENT_DESKTOP: 'KDE' } }),
      around({ programs: [] }),
    );
    assert.ok(
      kde.source === 'none' &&
        kde.error.includes('install kdialog or zenity') &&
        kde.error.includes('TFMFA_PROMPT=kdialog'),
    );
  });

  test('a named terminal prompt without a terminal is an error, not a hang', () => {
    const choice = decideMfaSource(request({ env: { TFMFA_PROMPT: 'terminal' } }), around());
    assert.ok(choice.source === 'none');
    assert.match(
      choice.error,
      new RegExp(
        String.raw`^the MFA prompt 'terminal' \(TFMFA_PROMPT\) needs a terminal and this run has none: run ` +
          String.raw`'tfmfa open-session prod'`,
      ),
    );
    assert.throws(
      () => chooseMfaSource(request({ env: { TFMFA_PROMPT: 'terminal' } }), around()),
      (error: unknown) => error instanceof UserError && error.exitCode === 1,
    );
  });

  test('unknown driver names and timeouts are usage errors (exit 2) naming the choices', () => {
    for (const [r, origin] of [
      [request({ prompt: 'gui' }), '--prompt'],
      [request({ env: { TFMFA_PROMPT: 'gui' } }), 'TFMFA_PROMPT'],
      [request({ profilePrompt: 'gui' }), "mfa_prompt in profile 'prod'"],
    ] as const) {
      assert.throws(
        () => decideMfaSource(r, around()),
        (error: unknown) =>
          error instanceof UserError &&
          error.exitCode === 2 &&
          error.message ===
            `${origin}: unknown MFA prompt 'gui': use one of auto, terminal, zenity, kdialog, osascript, ` +
              `powershell, ykman`,
      );
    }
    assert.equal(promptTimeoutSeconds({}), 120);
    assert.equal(promptTimeoutSeconds({ TFMFA_PROMPT_TIMEOUT: '3m' }), 180);
    assert.equal(promptTimeoutSeconds({ TFMFA_PROMPT_TIMEOUT: '45' }), 45);
    for (const bad of ['1', 'soon', '2h'])
      assert.throws(
        () => promptTimeoutSeconds({ TFMFA_PROMPT_TIMEOUT: bad }),
        (error: unknown) => error instanceof UserError && error.exitCode === 2,
        bad,
      );
  });

  test('codes: whitespace anywhere is dropped, then exactly six digits', () => {
    for (const typed of ['123456', '123 456', '  123456\n', '12 34 56', '\t123456 '])
      assert.ok(isMfaCode(normalizeMfaCode(typed)), typed);
    for (const typed of ['12345', '1234567', '12a456', '', '123-456'])
      assert.ok(!isMfaCode(normalizeMfaCode(typed)), typed);
  });

  test("doctor's line: the choice and why; on a terminal, also what a run without one would use", () => {
    assert.equal(
      describeMfaChoice(request({ env: { TFMFA_PROMPT: 'ykman' } }), around()),
      'the YubiKey (ykman) (TFMFA_PROMPT)',
    );
    assert.equal(
      describeMfaChoice(request({ mfaProcess: 'x' }), around()),
      "the mfa_process command (mfa_process in profile 'prod')",
    );
    assert.equal(
      describeMfaChoice(request({ env: { DISPLAY: ':5' } }), around({ terminal: true })),
      'asked on the terminal (this run has a terminal); without a terminal: a zenity dialog (no terminal; ' +
        'desktop session (DISPLAY=:5) and zenity installed)',
    );
    assert.match(
      describeMfaChoice(request(), around({ terminal: true })),
      new RegExp(
        String.raw`; without a terminal: nothing in this mode \(no terminal to ask on and no desktop dialog\): ` +
          String.raw`run 'tfmfa open-session prod' in a terminal first .*, or set mfa_process`,
      ),
    );
    assert.match(
      describeMfaChoice(request({ env: { TFMFA_PROMPT: 'bogus' } }), around()),
      /^misconfigured: TFMFA_PROMPT: unknown MFA prompt 'bogus'/,
    );
  });
});

test('--mfa-token takes the same shapes as a prompt: "123 456" is the code 123456', async () => {
  // Checked once, where the flag is parsed (checkMfaCodeFlag); the source hands on the checked code.
  const flag = chooseMfaSource(request({ mfaCode: checkMfaCodeFlag(' 123 456 ') }), around());
  assert.equal(flag.name, 'flag');
  assert.equal(await flag.code(1), '123456');
  assert.throws(
    () => chooseMfaSource(request({ mfaCode: checkMfaCodeFlag('123 45') }), around()),
    (error: unknown) => error instanceof UserError && error.exitCode === 2,
  );
});
