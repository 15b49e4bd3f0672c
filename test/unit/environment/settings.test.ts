// The environment read once (src/environment/settings.ts): a field per variable of the contract, parsed when
// first read and then kept, so a bad value fails only the path that reads it, with the contract's one line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSettings } from '../../../src/environment/settings.ts';
import { setting, VARIABLES, type VariableKey } from '../../../src/environment/variables.ts';
import { UserError } from '../../../src/errors.ts';

test('a bad value fails only where it is read, with the same one line as the contract', () => {
  const env = { TFMFA_STS_TIMEOUT: 'soon', TFMFA_MIN_TTL: '10m' };
  const settings = readSettings(env);
  assert.equal(settings.minTtl, 600, 'the other fields are unaffected');
  let expected: unknown;
  try {
    setting(env, 'stsTimeout');
  } catch (error) {
    expected = error;
  }
  assert.ok(expected instanceof UserError);
  assert.throws(
    () => settings.stsTimeout,
    (error: unknown) => error instanceof UserError && error.message === (expected as UserError).message,
  );
  assert.match((expected as UserError).message, /TFMFA_STS_TIMEOUT/);
  assert.throws(() => settings.stsTimeout, UserError, 'read again: fails again (nothing half-kept)');
});

test('every field of the contract reads as the contract parses it; each is parsed once', () => {
  const env: Record<string, string> = { HOME: '/home/u', TFMFA_SESSION_TTL: '2h', TFMFA_OVERLAY: '0' };
  const settings = readSettings(env);
  for (const key of Object.keys(VARIABLES) as VariableKey[]) assert.deepEqual(settings[key], setting(env, key), key);
  env.TFMFA_SESSION_TTL = '3h';
  assert.equal(settings.sessionTtl, 7200, 'kept from the first read');
  assert.equal(readSettings(env).sessionTtl, 10800, 'a new read sees the new value');
});

test('the other inputs: the AWS SDK variables, HOME, the desktop, another tool table by name', () => {
  const settings = readSettings({
    AWS_PROFILE: 'a',
    AWS_DEFAULT_PROFILE: 'b',
    AWS_REGION: 'eu-west-1',
    HOME: '/home/u',
    USER: '',
    LOGNAME: 'me',
    DISPLAY: ':0',
    AWS_VAULT_BACKEND: 'file',
  });
  assert.equal(settings.awsProfile, 'a');
  assert.equal(settings.awsDefaultProfile, 'b');
  assert.equal(settings.awsRegion, 'eu-west-1');
  assert.equal(settings.awsDefaultRegion, undefined);
  assert.equal(settings.home, '/home/u');
  assert.equal(settings.user, 'me', 'USER, else LOGNAME');
  assert.equal(settings.display, ':0');
  assert.equal(settings.otherVariable('AWS_VAULT_BACKEND'), 'file');
});
