// The OS keyring backend against a REAL Secret Service (gnome-keyring-daemon on a private D-Bus session bus),
// checked with an independent client (libsecret's secret-tool): `add` writes one item under service 'tfmfa'
// (attribute username = the profile), sessions are made from it, `remove` deletes it. The default backend is
// the keyring only when one answers unlocked; otherwise the encrypted file. Skips (with the reason) where no
// Secret Service can run.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readKeyIndex } from '../../../src/keystore/key-index.ts';
import { ROOT } from '../../support/sandbox.ts';
import type { IssuedUser } from '../../support/sts-emulator.ts';
import { secretServiceUnavailable, startSecretService, type SecretService } from './secret-service.ts';
import { createKeystoreSandbox } from './support.ts';

type Box = Awaited<ReturnType<typeof createKeystoreSandbox>>;
const skip = secretServiceUnavailable();

describe('OS keyring backend (real Secret Service)', { skip: skip ?? false }, () => {
  let service: SecretService;
  let box: Box;
  let carol: IssuedUser;
  const env = () => ({ ...box.env, DBUS_SESSION_BUS_ADDRESS: service.env.DBUS_SESSION_BUS_ADDRESS as string });
  const lookup = (profile: string) => service.secretTool(['lookup', 'service', 'tfmfa', 'username', profile]);

  before(async () => {
    service = await startSecretService();
    box = await createKeystoreSandbox({ backend: null });
    delete box.env.TFMFA_FILE_PASSPHRASE;
    carol = box.emu.addUser({ userName: 'carol', accountId: '222222222222' });
  });
  after(async () => {
    await box?.cleanup();
    await service?.stop();
  });

  test('add: the default backend is the unlocked keyring; secret-tool finds the item', async () => {
    const result = await box.tfmfa(['add', 'carol', '--env'], {
      env: { ...env(), AWS_ACCESS_KEY_ID: carol.accessKeyId, AWS_SECRET_ACCESS_KEY: carol.secretAccessKey },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /in the OS keyring \(the Secret Service answers and is unlocked\)/);
    const item = lookup('carol');
    assert.equal(item.status, 0, item.stderr);
    assert.deepEqual(JSON.parse(item.stdout), {
      accessKeyId: carol.accessKeyId,
      secretAccessKey: carol.secretAccessKey,
    });
    assert.equal(readKeyIndex(join(box.configHome, 'tfmfa', 'keys.json')).get('carol')?.backend, 'keyring');
    assert.equal(existsSync(join(box.configHome, 'tfmfa', 'vault.json')), false, 'nothing in the file backend');
    const search = service.secretTool(['search', '--all', 'service', 'tfmfa']);
    const listing = search.stdout + search.stderr; // secret-tool prints the attributes on stderr
    assert.equal(
      (listing.match(/^attribute\.username = /gm) ?? []).length,
      1,
      `one item, no probe left behind:\n${listing}`,
    );
  });

  test('a session is made from the keyring item; the long-term key never reaches the child', async () => {
    const result = await box.tfmfa(
      [
        'exec',
        'carol',
        '--',
        process.execPath,
        '-e',
        'process.stdout.write(JSON.stringify([process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY]))',
      ],
      { env: env() },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const [id, secret] = JSON.parse(result.stdout) as [string, string];
    assert.match(id, /^ASIA/);
    assert.notEqual(secret, carol.secretAccessKey);
    assert.equal(box.emu.count('GetSessionToken', carol.accessKeyId), 1);
  });

  test('a cached run never touches the keyring: no bus needed, no binding or SDK loaded', async () => {
    const log = join(box.dir, 'imports.log');
    const traced = {
      ...box.env,
      NODE_OPTIONS: `--import=${join(ROOT, 'test', 'support', 'record-imports.mjs')}`,
      RECORD_IMPORTS_LOG: log,
      RECORD_IMPORTS_MATCH: '/node_modules/(@napi-rs|@aws-sdk)/',
    };
    const result = await box.tfmfa(['exec', 'carol', '--', process.execPath, '-e', ''], { env: traced });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(existsSync(log) ? readFileSync(log, 'utf8') : '', '');
    assert.equal(box.emu.count('GetSessionToken', carol.accessKeyId), 1, 'still the one session');
  });

  test('doctor says the keyring is used, and why', async () => {
    const result = await box.tfmfa(['doctor', 'carol'], { env: env() });
    assert.match(
      result.stdout,
      /✔ new keys \('tfmfa add', 'import'\) go to the OS keyring: the Secret Service answers and is unlocked/,
    );
    assert.match(result.stdout, /1\. long-term access keys \w+ of profile 'carol' in tfmfa's key store \(OS keyring\)/);
  });

  test('remove: secret-tool no longer finds the item', async () => {
    const result = await box.tfmfa(['remove', 'carol'], { env: env() });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /from the OS keyring/);
    const item = lookup('carol');
    assert.equal(item.stdout, '');
    assert.notEqual(item.status, 0);
  });

  test('no session bus: the default is the encrypted file, and doctor says why', async () => {
    const result = await box.tfmfa(['doctor'], { env: { ...box.env } });
    assert.match(
      result.stdout,
      new RegExp(
        String.raw`go to the encrypted file .*vault\.json: no D-Bus session bus \(DBUS_SESSION_BUS_ADDRESS is ` +
          String.raw`unset\), so no Secret Service; the encrypted file survives a reboot`,
      ),
    );
  });
});

describe('a Secret Service without an unlocked keyring', { skip: skip ?? false }, () => {
  test('the default backend falls back to the encrypted file (never the kernel keyring)', async () => {
    const service = await startSecretService({ unlock: false });
    const box = await createKeystoreSandbox({ backend: null });
    try {
      const result = await box.tfmfa(['doctor'], {
        env: { ...box.env, DBUS_SESSION_BUS_ADDRESS: service.env.DBUS_SESSION_BUS_ADDRESS as string },
      });
      assert.match(
        result.stdout,
        /go to the encrypted file .*: the OS keyring cannot store an item: .*; the encrypted file survives a reboot/,
      );
    } finally {
      await box.cleanup();
      await service.stop();
    }
  });
});

if (skip) test(`keyring tests skipped: ${skip}`, { skip }, () => {});
