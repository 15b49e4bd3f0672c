// The encrypted-file backend: round trip, modes, and the failures that must change nothing (wrong passphrase,
// truncated or tampered vault), then concurrent `tfmfa add`s from several processes losing nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileBackend } from '../../../src/keystore/file-backend.ts';
import { readKeyIndex } from '../../../src/keystore/key-index.ts';
import { SCRYPT } from '../../../src/keystore/vault-crypto.ts';
import { UserError } from '../../../src/errors.ts';
import { createKeystoreSandbox, PASSPHRASE } from './support.ts';

const KEYS = { accessKeyId: 'AKIAEXAMPLEEXAMPLE01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('encrypted file backend', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfmfa-vault-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const backend = (passphrase = PASSPHRASE, sub = 'store') => new FileBackend(join(dir, sub), async () => passphrase);

  test('round trip; vault 0600 in a 0700 directory; scrypt N=2^17 r=8 p=1; no plaintext in the file', async () => {
    const store = backend();
    assert.equal(await store.get('a'), null, 'no vault yet');
    await store.set('a', KEYS);
    await store.set('b', { ...KEYS, accessKeyId: 'AKIAEXAMPLEEXAMPLE02' });
    const fresh = backend();
    assert.deepEqual(await fresh.get('a'), KEYS);
    assert.equal((await fresh.get('b'))?.accessKeyId, 'AKIAEXAMPLEEXAMPLE02');
    assert.equal(statSync(store.path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'store')).mode & 0o777, 0o700);
    const text = readFileSync(store.path, 'utf8');
    assert.ok(
      !text.includes(KEYS.secretAccessKey) && !text.includes(KEYS.accessKeyId),
      'nothing readable in the vault',
    );
    assert.deepEqual(JSON.parse(text).kdf, { name: 'scrypt', ...SCRYPT, salt: JSON.parse(text).kdf.salt });
    assert.equal(SCRYPT.N, 2 ** 17);
    assert.equal(await fresh.delete('b'), true);
    assert.equal(await backend().get('b'), null);
    assert.equal(await fresh.delete('b'), false);
  });

  const refuses = async (mutate: (text: string) => string, message: RegExp) => {
    const store = backend(PASSPHRASE, `case-${Math.random().toString(36).slice(2)}`);
    await store.set('a', KEYS);
    const damaged = mutate(readFileSync(store.path, 'utf8'));
    writeFileSync(store.path, damaged);
    for (const attempt of [
      () => backend(PASSPHRASE, store.path.split('/').at(-2)).get('a'),
      () => backend(PASSPHRASE, store.path.split('/').at(-2)).set('c', KEYS),
    ]) {
      await assert.rejects(attempt(), (error: Error) => {
        assert.ok(error instanceof UserError, `a UserError, got ${error.stack}`);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('\n'), 'one line');
        assert.ok(!error.message.includes(KEYS.secretAccessKey) && !error.message.includes(PASSPHRASE));
        return true;
      });
    }
    assert.equal(readFileSync(store.path, 'utf8'), damaged, 'nothing changed');
  };

  test('wrong passphrase: one line, nothing changed', async () => {
    const store = backend(PASSPHRASE, 'wrong');
    await store.set('a', KEYS);
    const before = readFileSync(store.path, 'utf8');
    await assert.rejects(
      backend('not the passphrase', 'wrong').get('a'),
      /cannot open the key vault .*: wrong passphrase, or the file was altered/,
    );
    await assert.rejects(backend('not the passphrase', 'wrong').set('b', KEYS), /wrong passphrase/);
    assert.equal(readFileSync(store.path, 'utf8'), before);
  });

  test('truncated vault: one line, nothing changed', () =>
    refuses((text) => text.slice(0, Math.floor(text.length / 2)), /is damaged \(truncated or not a tfmfa vault\)/));
  test('empty vault file', () => refuses(() => '', /is damaged/));
  test('tampered ciphertext', () =>
    refuses((text) => {
      const file = JSON.parse(text);
      const data = Buffer.from(file.data, 'base64');
      data[0] = (data[0] as number) ^ 1;
      return JSON.stringify({ ...file, data: data.toString('base64') });
    }, /wrong passphrase, or the file was altered/));
  test('tampered KDF parameters (authenticated as additional data)', () =>
    refuses(
      (text) => JSON.stringify({ ...JSON.parse(text), kdf: { ...JSON.parse(text).kdf, N: 2 ** 15 } }),
      /wrong passphrase, or the file was altered/,
    ));
  test('tampered tag', () =>
    refuses((text) => {
      const file = JSON.parse(text);
      const tag = Buffer.from(file.tag, 'base64');
      tag[3] = (tag[3] as number) ^ 0x80;
      return JSON.stringify({ ...file, tag: tag.toString('base64') });
    }, /wrong passphrase, or the file was altered/));
});

describe('concurrent adds from several processes', () => {
  test('8 `tfmfa add` processes at once: every profile is in the vault and the index', async () => {
    const box = await createKeystoreSandbox();
    try {
      const n = 8;
      const users = Array.from({ length: n }, (_, i) =>
        box.emu.addUser({ userName: `user${i}`, accountId: '222222222222' }),
      );
      const results = await Promise.all(
        users.map((user, i) =>
          box.tfmfa(['add', `p${i}`, '--env', '--no-verify'], {
            env: { ...box.env, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey },
          }),
        ),
      );
      for (const result of results) assert.equal(result.exitCode, 0, result.stderr);
      const index = readKeyIndex(join(box.configHome, 'tfmfa', 'keys.json'));
      const vault = new FileBackend(join(box.configHome, 'tfmfa'), async () => PASSPHRASE);
      for (const [i, user] of users.entries()) {
        assert.equal(index.get(`p${i}`)?.accessKeyId, user.accessKeyId);
        assert.deepEqual(await vault.get(`p${i}`), {
          accessKeyId: user.accessKeyId,
          secretAccessKey: user.secretAccessKey,
        });
      }
      const config = readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8');
      for (let i = 0; i < n; i++)
        assert.equal(config.split(`[profile p${i}]`).length, 2, `[profile p${i}] once in the config`);
    } finally {
      await box.cleanup();
    }
  });
});
