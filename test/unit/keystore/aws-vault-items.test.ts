// What import --from aws-vault takes from aws-vault's store: which item keys are its caches (skipped), how an
// item's JSON becomes long-term keys, temporary keys or a one-line refusal; where the session bus is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheKind, parseCredentialsJson, parseKeyringItem } from '../../../src/keystore/aws-vault/items.ts';
import { decodeFileName } from '../../../src/keystore/aws-vault/file-store.ts';
import { sessionBusPaths as sessionBusPathsOf } from '../../../src/keystore/aws-vault/dbus-client.ts';
import { readSettings } from '../../../src/environment/settings.ts';

const sessionBusPaths = (env: Record<string, string>) => sessionBusPathsOf(readSettings(env));

const KEYS = {
  AccessKeyID: 'AKIAIOSFODNN7EXAMPLE',
  SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  SessionToken: '',
  Source: '',
  CanExpire: false,
  Expires: '0001-01-01T00:00:00Z',
};

test("aws-vault's caches are recognised by their keys; profile names are not", () => {
  for (const key of [
    'sts.GetSessionToken,ZGV2,YXJuOmF3czppYW06OjEyMzQ1Njc4OTAxMjptZmEvbWU,1796600000',
    'sts.AssumeRole,ZGV2,,1796600000',
    'sso.GetRoleCredentials,ZGV2,,1796600000',
    'credential_process,ZGV2,1796600000',
    'session,ZGV2,,1796600000',
    'oidc:https://example.awsapps.com/start',
  ]) {
    assert.notEqual(cacheKind(key), null, key);
  }
  for (const key of ['dev', 'sts', 'sts.prod', 'session', 'oidc', 'team/ops', 'credential_process'])
    assert.equal(cacheKind(key), null, key);
});

test('a keyring item: long-term keys, temporary keys, or a refusal that says why', () => {
  const item = (credentials: unknown, key = 'dev') =>
    JSON.stringify({
      Key: key,
      Data: Buffer.from(JSON.stringify(credentials)).toString('base64'),
      Label: `aws-vault (${key})`,
    });
  assert.deepEqual(parseKeyringItem(item(KEYS), 'dev', 'x'), {
    keys: { accessKeyId: KEYS.AccessKeyID, secretAccessKey: KEYS.SecretAccessKey },
  });
  assert.deepEqual(parseKeyringItem(item({ ...KEYS, SessionToken: 'token' }), 'dev', 'x'), { temporary: true });
  assert.throws(() => parseKeyringItem(item(KEYS, 'prod'), 'dev', 'x'), /the item of 'prod', not of 'dev'/);
  assert.throws(() => parseKeyringItem('{"Key":"dev"}', 'dev', 'x'), /no Data/);
  assert.throws(() => parseKeyringItem('not json', 'dev', 'x'), /not JSON/);
  assert.throws(() => parseKeyringItem(JSON.stringify({ Data: '!!!' }), 'dev', 'x'), /not base64/);
  assert.throws(() => parseKeyringItem(item({ SecretAccessKey: 'x' }), 'dev', 'x'), /no AccessKeyID/);
  assert.throws(
    () => parseKeyringItem(item({ ...KEYS, AccessKeyID: 'akia lower' }), 'dev', 'x'),
    /access key id must be/,
  );
});

test("aws-vault export's JSON (AccessKeyId) is read too", () => {
  assert.deepEqual(
    parseCredentialsJson(
      JSON.stringify({ Version: 1, AccessKeyId: KEYS.AccessKeyID, SecretAccessKey: KEYS.SecretAccessKey }),
      'x',
    ),
    { keys: { accessKeyId: KEYS.AccessKeyID, secretAccessKey: KEYS.SecretAccessKey } },
  );
});

test("file names: the keyring library's percent-encoding ('%' always escaped) is undone byte by byte", () => {
  assert.equal(decodeFileName('team%2Fops'), 'team/ops');
  assert.equal(decodeFileName('a%25b%2fc'), 'a%b/c');
  assert.equal(decodeFileName('a%252F'), 'a%2F', 'decoded once');
  assert.equal(decodeFileName('c%3Ad'), 'c:d');
  assert.equal(decodeFileName('plain'), 'plain');
});

test('the session bus: unix:path, unix:abstract (escaped), several addresses, else $XDG_RUNTIME_DIR/bus', () => {
  assert.deepEqual(sessionBusPaths({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' }), [
    '/run/user/1000/bus',
  ]);
  assert.deepEqual(
    sessionBusPaths({ DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-x%2Cy,guid=abc;unix:path=/tmp/b' }),
    ['\0/tmp/dbus-x,y', '/tmp/b'],
  );
  assert.deepEqual(sessionBusPaths({ DBUS_SESSION_BUS_ADDRESS: 'tcp:host=localhost,port=1' }), []);
  assert.deepEqual(sessionBusPaths({ XDG_RUNTIME_DIR: '/run/user/7' }), ['/run/user/7/bus']);
  assert.deepEqual(sessionBusPaths({}), []);
});
