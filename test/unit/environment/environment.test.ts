import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { selectedProfile } from '../../../src/environment/profile.ts';
import { SHELL_FRAGMENTS } from '../../../src/environment/shell-fragments.ts';
import { setting, VARIABLES } from '../../../src/environment/variables.ts';
import {
  applyChanges,
  hasSessionFor,
  mergeChanges,
  overlayChanges,
  serverChanges,
  sessionChanges,
} from '../../../src/environment/changes.ts';
import { withGivenFiles } from '../../../src/environment/aws-files.ts';
import { readSettings } from '../../../src/environment/settings.ts';
import { awsFilePaths } from '../../../src/config/paths.ts';
import { regionChanges } from '../../../src/environment/region.ts';

const CREDS = {
  accessKeyId: 'ASIAX',
  secretAccessKey: 's',
  sessionToken: 't',
  expiration: new Date('2026-11-24T12:00:00Z'),
};

describe('child environment contract', () => {
  test('a session sets keys, expiry and the marker, and removes the profile variables', () => {
    const env = applyChanges(
      { AWS_PROFILE: 'p', AWS_DEFAULT_PROFILE: 'p', AWS_SECURITY_TOKEN: 'x', AWS_SESSION_EXPIRATION: 'x', OTHER: '1' },
      sessionChanges(CREDS, 'prod'),
    );
    assert.deepEqual(env, {
      OTHER: '1',
      AWS_ACCESS_KEY_ID: 'ASIAX',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 't',
      AWS_CREDENTIAL_EXPIRATION: '2026-11-24T12:00:00.000Z',
      TFMFA_PROFILE: 'prod',
    });
  });

  test('long-term keys leave no stale session token or expiry behind', () => {
    const env = applyChanges(
      { AWS_SESSION_TOKEN: 'old', AWS_CREDENTIAL_EXPIRATION: 'old' },
      sessionChanges({ accessKeyId: 'AKIA', secretAccessKey: 's' }, 'p'),
    );
    assert.equal(env.AWS_SESSION_TOKEN, undefined);
    assert.equal(env.AWS_CREDENTIAL_EXPIRATION, undefined);
  });

  test('region rule: AWS_REGION, else AWS_DEFAULT_REGION, else the profile; the missing one is filled', () => {
    assert.deepEqual(regionChanges(readSettings({}), 'us-west-2').set, {
      AWS_REGION: 'us-west-2',
      AWS_DEFAULT_REGION: 'us-west-2',
    });
    assert.deepEqual(regionChanges(readSettings({ AWS_REGION: 'eu-west-1' }), 'us-west-2').set, {
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
    assert.deepEqual(regionChanges(readSettings({ AWS_DEFAULT_REGION: 'ap-south-1' }), 'us-west-2').set, {
      AWS_REGION: 'ap-south-1',
    });
    assert.deepEqual(regionChanges(readSettings({}), undefined).set, {});
  });

  test('mergeChanges: a later set wins over an earlier unset of the same name', () => {
    assert.deepEqual(mergeChanges({ set: {}, unset: ['A', 'B'] }, { set: { A: '1' }, unset: [] }), {
      set: { A: '1' },
      unset: ['B'],
    });
  });

  test('the marker counts only with keys or a credential endpoint, for the named profile', () => {
    const keys = { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S' };
    const endpoint = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/c',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 't',
    };
    assert.equal(hasSessionFor(readSettings({ TFMFA_PROFILE: 'p', ...keys }), 'p'), true);
    assert.equal(
      hasSessionFor(readSettings({ TFMFA_PROFILE: 'p', ...endpoint })),
      true,
      'exec --server children count as a session',
    );
    assert.equal(hasSessionFor(readSettings({ AWS_VAULT: 'p', ...keys }), 'p'), true);
    assert.equal(hasSessionFor(readSettings({ TFMFA_PROFILE: 'p', ...keys }), 'q'), false);
    assert.equal(hasSessionFor(readSettings({ TFMFA_PROFILE: 'p' })), false);
    assert.equal(hasSessionFor(readSettings({ ...keys })), false);
  });
});

describe('the profile order and its shell fragment', () => {
  const NAMES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'TFMFA_DEFAULT_PROFILE'] as const;
  /** Every combination of set, empty and unset for the three variables. */
  const combinations = (): Array<Record<string, string>> => {
    let all: Array<Record<string, string>> = [{}];
    for (const name of NAMES)
      all = all.flatMap((env) => [env, { ...env, [name]: '' }, { ...env, [name]: `p-${name.toLowerCase()}` }]);
    return all;
  };

  test('AWS_PROFILE, else AWS_DEFAULT_PROFILE, else TFMFA_DEFAULT_PROFILE, else default; an argument wins', () => {
    assert.deepEqual(
      selectedProfile(readSettings({ AWS_PROFILE: 'a', AWS_DEFAULT_PROFILE: 'b', TFMFA_DEFAULT_PROFILE: 'c' })),
      {
        profile: 'a',
        origin: 'AWS_PROFILE',
      },
    );
    assert.deepEqual(selectedProfile(readSettings({ AWS_DEFAULT_PROFILE: 'b', TFMFA_DEFAULT_PROFILE: 'c' })), {
      profile: 'b',
      origin: 'AWS_DEFAULT_PROFILE',
    });
    assert.deepEqual(selectedProfile(readSettings({ AWS_PROFILE: '', TFMFA_DEFAULT_PROFILE: 'c' })), {
      profile: 'c',
      origin: 'TFMFA_DEFAULT_PROFILE',
    });
    assert.deepEqual(selectedProfile(readSettings({})), { profile: 'default', origin: 'default' });
    assert.deepEqual(selectedProfile(readSettings({ AWS_PROFILE: 'a' }), 'given'), {
      profile: 'given',
      origin: 'argument',
    });
  });

  for (const shell of ['sh', 'dash', 'bash']) {
    test(`${shell} evaluates the launcher's fragment to the same profile for all 27 combinations`, (t) => {
      try {
        execFileSync(shell, ['-c', 'true']);
      } catch {
        t.skip(`${shell} is not installed`);
        return;
      }
      for (const env of combinations()) {
        const out = execFileSync(shell, ['-c', `printf %s "${SHELL_FRAGMENTS.PROFILE_ORDER}"`], {
          env: { PATH: process.env.PATH ?? '', ...env },
          encoding: 'utf8',
        });
        assert.equal(out, selectedProfile(readSettings(env)).profile, JSON.stringify(env));
      }
    });
  }

  test('the cache directory fragment and the contract agree (TFMFA_CACHE_DIR, XDG_CACHE_HOME, HOME)', () => {
    const { CACHE_DIR, CACHE_DIR_HOME } = SHELL_FRAGMENTS;
    const script = `_c="${CACHE_DIR}"; [ -n "$_c" ] || _c="${CACHE_DIR_HOME}"; printf %s "$_c"`;
    for (const env of [
      { HOME: '/h' },
      { HOME: '/h', XDG_CACHE_HOME: '/x' },
      { HOME: '/h', XDG_CACHE_HOME: '/x', TFMFA_CACHE_DIR: '/t' },
      { HOME: '/h', TFMFA_CACHE_DIR: '' },
    ]) {
      assert.equal(
        execFileSync('sh', ['-c', script], { env, encoding: 'utf8' }),
        setting(env, 'cacheDir'),
        JSON.stringify(env),
      );
    }
  });
});

describe('the contract table', () => {
  test('every variable parses its default, and invalid values are one-line errors naming the variable', () => {
    assert.equal(setting({}, 'minTtl'), 300);
    assert.equal(setting({ TFMFA_MIN_TTL: '10m' }, 'minTtl'), 600);
    assert.equal(setting({}, 'stsTimeout'), 20);
    assert.throws(
      () => setting({ TFMFA_STS_TIMEOUT: 'soon' }, 'stsTimeout'),
      /^UserError: TFMFA_STS_TIMEOUT must be a duration like 3600, 90m or 8h, got 'soon'$/,
    );
    assert.throws(
      () => setting({ TFMFA_STS_TIMEOUT: '0' }, 'stsTimeout'),
      /TFMFA_STS_TIMEOUT must be between 1 and 300 seconds, got '0'/,
    );
    assert.throws(
      () => setting({ TFMFA_LOCK_TIMEOUT: '2h' }, 'lockTimeout'),
      /TFMFA_LOCK_TIMEOUT must be between 1 and 3600 seconds/,
    );
    assert.equal(setting({ TFMFA_OVERLAY: '0' }, 'overlay'), false);
    assert.equal(setting({ TFMFA_DEBUG: '1' }, 'debug'), true);
    for (const variable of Object.values(VARIABLES)) assert.match(variable.name, /^TFMFA_[A-Z_]+$/);
  });
});

describe('what a child never gets, and what nested tfmfa reads', () => {
  test("the key store's passphrase is removed from every child's environment (static keys and server mode)", () => {
    const env = { TFMFA_FILE_PASSPHRASE: 'secret passphrase', OTHER: '1' };
    assert.equal(applyChanges(env, sessionChanges(CREDS, 'prod')).TFMFA_FILE_PASSPHRASE, undefined);
    assert.equal(
      applyChanges(env, serverChanges('http://127.0.0.1:1/credentials', 'token', 'prod')).TFMFA_FILE_PASSPHRASE,
      undefined,
    );
    assert.equal(applyChanges(env, sessionChanges(CREDS, 'prod')).OTHER, '1');
  });

  test('the overlay points nested tfmfa at the real files it was made from, and credential-process options win', () => {
    const changes = overlayChanges({
      configPath: '/cache/overlay/x/config',
      credentialsPath: '/cache/overlay/x/credentials',
      sources: { configPath: '/home/u/project/aws-config', credentialsPath: '/home/u/.aws/credentials' },
    });
    assert.equal(changes.set.TFMFA_CONFIG_FILE, '/home/u/project/aws-config');
    assert.equal(changes.set.AWS_CONFIG_FILE, '/cache/overlay/x/config');
    const inherited = { TFMFA_CONFIG_FILE: 'aws-config', AWS_CONFIG_FILE: '/cache/overlay/x/config' };
    assert.equal(
      awsFilePaths(withGivenFiles(readSettings(inherited), { 'config-file': '/home/u/project/aws-config' })).configPath,
      '/home/u/project/aws-config',
    );
    assert.equal(
      awsFilePaths(readSettings(inherited)).configPath,
      'aws-config',
      'without the option the inherited variable still counts',
    );
  });
});
