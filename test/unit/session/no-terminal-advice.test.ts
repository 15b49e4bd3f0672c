// The line for a run that needs an MFA code and has no terminal: what fits a shim, what fits a command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noTerminalAdvice } from '../../../src/session/no-terminal-advice.ts';

const SERIAL = 'arn:aws:iam::222222222222:mfa/username';

test('a shim is told open-session with its profile, and mfa_process; never --mfa-token', () => {
  const line = noTerminalAdvice({ profile: 'prod', serial: SERIAL, caller: 'shim' });
  assert.equal(line, `an MFA code is needed for ${SERIAL} (profile 'prod') but there is no terminal to ask on: run 'tfmfa open-session prod' in a terminal first (later runs use the cached session), or set mfa_process in the profile`);
  assert.doesNotMatch(line, /--mfa-token/);
});

test('a command is also told --mfa-token', () => {
  const line = noTerminalAdvice({ profile: 'prod', serial: SERIAL, caller: 'command' });
  assert.match(line, /: pass --mfa-token CODE, run 'tfmfa open-session prod' in a terminal first .*, or set mfa_process in the profile$/);
});

test('a profile name the shell would split is quoted, and the advice stays one line', () => {
  for (const caller of ['shim', 'command'] as const) {
    const line = noTerminalAdvice({ profile: "team b's", serial: SERIAL, caller });
    assert.match(line, /'tfmfa open-session 'team b'\\''s''/);
    assert.equal(line.includes('\n'), false);
  }
});
