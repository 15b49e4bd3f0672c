// tfmfa add / remove / import / rotate end to end against the STS emulator (with its IAM actions), using the
// encrypted-file backend (the keyring backend has its own test with a real Secret Service).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { FileBackend } from '../../../src/keystore/file-backend.ts';
import { readKeyIndex } from '../../../src/keystore/key-index.ts';
import { SessionCache } from '../../../src/store/session-cache.ts';
import type { IssuedUser } from '../../support/sts-emulator.ts';
import { ROLE_B, SERIAL } from '../../support/sandbox.ts';
import { createKeystoreSandbox, PASSPHRASE } from './support.ts';

type Box = Awaited<ReturnType<typeof createKeystoreSandbox>>;

const PRINT_ENV =
  `process.stdout.write(JSON.stringify({ id: process.env.AWS_ACCESS_KEY_ID, secret: ` +
  `process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN, config: ` +
  `require('fs').readFileSync(process.env.AWS_CONFIG_FILE, 'utf8'), credentials: ` +
  `require('fs').existsSync(process.env.AWS_SHARED_CREDENTIALS_FILE) ? ` +
  `require('fs').readFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, 'utf8') : '' }))`;

function oneLine(text: string): void {
  assert.equal(text.trim().split('\n').length, 1, `one line: ${text}`);
}

describe('tfmfa add / remove', () => {
  let box: Box;
  let alice: IssuedUser;
  const index = () => readKeyIndex(join(box.configHome, 'tfmfa', 'keys.json'));
  const vault = () => new FileBackend(join(box.configHome, 'tfmfa'), async () => PASSPHRASE);
  const add = (
    profile: string,
    user: { accessKeyId: string; secretAccessKey: string },
    extra: string[] = [],
    env: Record<string, string> = {},
  ) =>
    box.tfmfa(['add', profile, '--env', ...extra], {
      env: { ...box.env, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey, ...env },
    });

  before(async () => {
    box = await createKeystoreSandbox();
    alice = box.emu.addUser({ userName: 'alice', accountId: '222222222222' });
  });
  after(() => box.cleanup());

  test('a wrong secret fails GetCallerIdentity: one line, nothing stored', async () => {
    const result = await add('alice', { accessKeyId: alice.accessKeyId, secretAccessKey: 'x'.repeat(40) });
    assert.equal(result.exitCode, 1);
    oneLine(result.stderr);
    assert.match(result.stderr, /SignatureDoesNotMatch/);
    assert.equal(existsSync(join(box.configHome, 'tfmfa', 'keys.json')), false);
    assert.equal(existsSync(join(box.configHome, 'tfmfa', 'vault.json')), false);
  });

  test('refused: temporary keys, no keys, keys on the command line, no terminal', async () => {
    const temporary = await add('alice', alice, [], { AWS_SESSION_TOKEN: 'token' });
    assert.equal(temporary.exitCode, 2);
    assert.match(temporary.stderr, /AWS_SESSION_TOKEN is set/);
    const none = await box.tfmfa(['add', 'alice', '--env']);
    assert.equal(none.exitCode, 2);
    assert.match(none.stderr, /set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    const argv = await box.tfmfa(['add', 'alice', alice.secretAccessKey]);
    assert.equal(argv.exitCode, 2);
    assert.match(argv.stderr, /keys are never taken from the command line/);
    assert.ok(!argv.stderr.includes(alice.secretAccessKey), 'the stray argument is not echoed back');
    const noTty = await box.tfmfa(['add', 'alice'], { detached: true });
    assert.equal(noTty.exitCode, 2);
    assert.match(noTty.stderr, /no terminal to ask for the access key on: use --env/);
  });

  test(
    'add: verified, stored in the vault, indexed, [profile alice] added; the keys never reach ' + 'the child',
    async () => {
      const result = await add('alice', alice);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stderr, /the keys work: arn:aws:iam::222222222222:user\/alice/);
      assert.match(result.stdout, /stored AKIA\w+ for profile 'alice' in the encrypted file/);
      assert.equal(index().get('alice')?.accessKeyId, alice.accessKeyId);
      assert.deepEqual(await vault().get('alice'), {
        accessKeyId: alice.accessKeyId,
        secretAccessKey: alice.secretAccessKey,
      });
      assert.match(readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8'), /\n\[profile alice\]\n$/);

      box.emu.resetCounts();
      const run = await box.tfmfa(['exec', 'alice', '--', process.execPath, '-e', PRINT_ENV]);
      assert.equal(run.exitCode, 0, run.stderr);
      const child = JSON.parse(run.stdout) as {
        id: string;
        secret: string;
        token: string;
        config: string;
        credentials: string;
      };
      assert.match(child.id, /^ASIA/, 'a GetSessionToken session, not the long-term key');
      assert.ok(child.token);
      assert.notEqual(child.secret, alice.secretAccessKey);
      assert.equal(box.emu.count('GetSessionToken', alice.accessKeyId), 1);
      assert.match(
        child.config,
        /\[profile alice\]\ncredential_process = .* credential-process .*-- alice\n/,
        'the overlay hands alice to credential_process',
      );
      for (const text of [child.config, child.credentials, run.stdout, run.stderr])
        assert.ok(!text.includes(alice.secretAccessKey));
    },
  );

  test(
    'a cached run never opens the store: a wrong passphrase does not matter until a new ' + 'session is needed',
    async () => {
      const wrong = { ...box.env, TFMFA_FILE_PASSPHRASE: 'a wrong passphrase' };
      const cached = await box.tfmfa(['export', 'alice', '--format', 'json'], { env: wrong });
      assert.equal(cached.exitCode, 0, cached.stderr);
      assert.equal(box.emu.count('GetSessionToken', alice.accessKeyId), 1);
      assert.equal((await box.tfmfa(['clear', 'alice'])).exitCode, 0);
      const fresh = await box.tfmfa(['export', 'alice', '--format', 'json'], { env: wrong });
      assert.equal(fresh.exitCode, 1);
      oneLine(fresh.stderr);
      assert.match(fresh.stderr, /cannot open the key vault .*wrong passphrase/);
    },
  );

  test('stored keys as the source of a role chain with MFA; the store wins over plaintext keys', async () => {
    const config = readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8');
    writeFileSync(
      box.env.AWS_CONFIG_FILE as string,
      `${config}[profile alice-b]\nsource_profile = alice\nrole_arn = ${ROLE_B}\nmfa_serial = ${SERIAL}\n`,
    );
    writeFileSync(
      box.env.AWS_SHARED_CREDENTIALS_FILE as string,
      `${readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8')}[alice]\naws_access_key_id = ` +
        `AKIAPLAINTEXTCOPY001\naws_secret_access_key = ${'p'.repeat(40)}\n`,
    );
    box.emu.resetCounts();
    const result = await box.tfmfa([
      'export',
      'alice-b',
      '--format',
      'json',
      '--mfa-token',
      box.emu.currentCode(SERIAL),
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      box.emu.count('GetSessionToken', alice.accessKeyId),
      1,
      'signed with the stored key, not the plaintext one',
    );
    assert.equal(box.emu.count('AssumeRole'), 1);
    const doctor = await box.tfmfa(['doctor', 'alice-b']);
    assert.match(
      doctor.stdout,
      /1\. long-term access keys AKIA\w+ of profile 'alice' in tfmfa's key store \(encrypted file\)/,
    );
    assert.match(
      doctor.stdout,
      new RegExp(
        String.raw`! profile 'alice' has keys both in the key store \(file, AKIA\w+\) and in plaintext in ` +
          String.raw`.*credentials: the stored ones are used`,
      ),
    );
    const list = await box.tfmfa(['list', '--json']);
    const alicePs = (
      JSON.parse(list.stdout) as { profiles: Array<{ name: string; kind: string; keys: string }> }
    ).profiles.find((p) => p.name === 'alice');
    assert.deepEqual([alicePs?.kind, alicePs?.keys], ['stored', 'file']);
    writeFileSync(
      box.env.AWS_SHARED_CREDENTIALS_FILE as string,
      readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8').replace(/\[alice\][^]*$/, ''),
    );
  });

  test('remove: keys out of the vault and the index, sessions and tickets made from them dropped', async () => {
    assert.equal((await box.tfmfa(['exec', 'alice', '--', process.execPath, '-e', ''])).exitCode, 0);
    const sessionsBefore = new SessionCache(box.cacheDir)
      .list()
      .filter((e) => e.key.includes(`keys:${alice.accessKeyId}`));
    assert.ok(sessionsBefore.length >= 1);
    const tickets = () =>
      existsSync(join(box.cacheDir, 'tickets'))
        ? readdirSync(join(box.cacheDir, 'tickets')).filter((name) => name.startsWith('alice.'))
        : [];
    assert.notDeepEqual(tickets(), [], 'exec left a ticket for alice');
    const result = await box.tfmfa(['remove', 'alice']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `removed ${alice.accessKeyId} of profile 'alice' from the encrypted file, and ${sessionsBefore.length} ` +
          `cached session`,
      ),
    );
    assert.equal(index().has('alice'), false);
    assert.equal(await vault().get('alice'), null);
    assert.deepEqual(
      new SessionCache(box.cacheDir).list().filter((e) => e.key.includes(`keys:${alice.accessKeyId}`)),
      [],
    );
    assert.deepEqual(tickets(), [], 'and its tickets');
    const again = await box.tfmfa(['remove', 'alice']);
    assert.equal(again.exitCode, 1);
    oneLine(again.stderr);
    assert.match(again.stderr, /profile 'alice' has no stored keys/);
  });
});

describe('tfmfa import', () => {
  let box: Box;
  before(async () => {
    box = await createKeystoreSandbox();
  });
  after(() => box.cleanup());

  test('without --yes and without a terminal: refused, nothing changed', async () => {
    const before = readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8');
    const result = await box.tfmfa(['import', 'GEHC-000'], { detached: true });
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /no terminal to ask for a confirmation \(use --yes in scripts\)/);
    assert.equal(readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8'), before);
    assert.equal(existsSync(join(box.configHome, 'tfmfa', 'keys.json')), false);
  });

  test('a profile without long-term keys: refused, nothing changed', async () => {
    const result = await box.tfmfa(['import', 'plain', '--yes']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /profile 'plain' has no long-term keys/);
  });

  test('--yes: keys moved into the store, the key lines gone, the rest kept; the chains still work', async () => {
    const path = box.env.AWS_SHARED_CREDENTIALS_FILE as string;
    const extra = '# my comment\r\n[other]\r\nregion = eu-west-1\r\n';
    writeFileSync(path, `${readFileSync(path, 'utf8')}${extra}`);
    const before = readFileSync(path, 'utf8');
    const result = await box.tfmfa(['import', '--yes']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`imported 'GEHC-000' \\(${box.user.accessKeyId}\\) into the encrypted file`),
    );
    const after = readFileSync(path, 'utf8');
    assert.equal(
      after,
      before
        .split(/(?<=\n)/)
        .filter((line) => !/^aws_(access_key_id|secret_access_key) =/.test(line))
        .join(''),
    );
    assert.ok(!after.includes(box.user.secretAccessKey));
    const { credentialsFile } = await loadSharedConfigFiles({
      filepath: path,
      configFilepath: '/nonexistent',
      ignoreCache: true,
    });
    assert.deepEqual(credentialsFile, { other: { region: 'eu-west-1' } });
    assert.equal(
      readKeyIndex(join(box.configHome, 'tfmfa', 'keys.json')).get('GEHC-000')?.accessKeyId,
      box.user.accessKeyId,
    );
    const run = await box.tfmfa(['export', 'GEHC-056', '--format', 'json', '--mfa-token', box.emu.currentCode(SERIAL)]);
    assert.equal(run.exitCode, 0, run.stderr);
    const doctor = await box.tfmfa(['doctor', 'GEHC-056']);
    assert.doesNotMatch(doctor.stdout, /in plaintext/);
    assert.match(doctor.stdout, /stored keys: 'GEHC-000' \(file\)/);
  });
});

describe('tfmfa rotate', () => {
  let box: Box;
  let user: IssuedUser;
  const stored = () => new FileBackend(join(box.configHome, 'tfmfa'), async () => PASSPHRASE).get('bob');
  before(async () => {
    box = await createKeystoreSandbox();
    user = box.emu.addUser({ userName: 'bob', accountId: '222222222222' });
    const result = await box.tfmfa(['add', 'bob', '--env'], {
      env: { ...box.env, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey },
    });
    assert.equal(result.exitCode, 0, result.stderr);
  });
  after(() => box.cleanup());

  test('a malformed --mfa-token: the same one line as exec, exit 2, before anything is read or rotated', async () => {
    const keys = box.emu.iam.keysOf(user.arn);
    const before = await stored();
    const exec = await box.tfmfa(['exec', 'bob', '--mfa-token', '12', '--', 'true']);
    assert.equal(exec.exitCode, 2, exec.stderr);
    oneLine(exec.stderr);
    // bob has no mfa_serial: without the check where the flag is parsed, rotate would not look at the code.
    const rotate = await box.tfmfa(['rotate', 'bob', '--mfa-token', '12']);
    assert.equal(rotate.exitCode, 2, rotate.stderr);
    assert.equal(rotate.stderr, exec.stderr);
    assert.deepEqual(await stored(), before);
    assert.deepEqual(box.emu.iam.keysOf(user.arn), keys);
  });

  test('a profile without stored keys: refused', async () => {
    const result = await box.tfmfa(['rotate', 'GEHC-000']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /has no stored keys: store them first \('tfmfa import GEHC-000'/);
  });

  test('rotates: new key stored and working, old key deleted in IAM, sessions of the old key dropped', async () => {
    assert.equal((await box.tfmfa(['export', 'bob', '--format', 'json'])).exitCode, 0);
    const old = (await stored())?.accessKeyId as string;
    const result = await box.tfmfa(['rotate', 'bob']);
    assert.equal(result.exitCode, 0, result.stderr);
    const now = await stored();
    assert.notEqual(now?.accessKeyId, old);
    assert.deepEqual(box.emu.iam.keysOf(user.arn), [now?.accessKeyId]);
    assert.match(
      result.stdout,
      new RegExp(`rotated 'bob': ${old} → ${now?.accessKeyId} .*1 cached session\\(s\\) of the old key dropped`),
    );
    box.emu.resetCounts();
    assert.equal((await box.tfmfa(['export', 'bob', '--format', 'json'])).exitCode, 0);
    assert.equal(box.emu.count('GetSessionToken', now?.accessKeyId), 1, 'a new session from the new key');
  });

  test('the new key is refused for a few seconds (IAM eventual consistency): rotate waits', async () => {
    box.emu.iam.delayNewKeys(3);
    try {
      const old = (await stored())?.accessKeyId;
      const result = await box.tfmfa(['rotate', 'bob']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.notEqual((await stored())?.accessKeyId, old);
      assert.ok(
        box.emu.calls().some((c) => c.action === 'GetCallerIdentity' && c.errorCode === 'InvalidClientTokenId'),
        'it was refused at first',
      );
    } finally {
      box.emu.iam.delayNewKeys(0);
    }
  });

  test(
    'the new key never works within TFMFA_ROTATE_WAIT: rolled back, the old key stays stored ' + 'and works',
    async () => {
      box.emu.iam.delayNewKeys(60);
      try {
        const old = await stored();
        const result = await box.tfmfa(['rotate', 'bob'], { env: { ...box.env, TFMFA_ROTATE_WAIT: '3' } });
        assert.equal(result.exitCode, 1);
        oneLine(result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `not accepted within 3s .*deleted the new key \\w+ again: IAM and the key store hold ` +
              `only ${old?.accessKeyId}, which still works`,
          ),
        );
        assert.deepEqual(await stored(), old);
        assert.deepEqual(box.emu.iam.keysOf(user.arn), [old?.accessKeyId]);
      } finally {
        box.emu.iam.delayNewKeys(0);
      }
    },
  );

  test(
    'DeleteAccessKey fails: the new key is stored and works; the message names the old key ' + 'and the command',
    async () => {
      const old = (await stored())?.accessKeyId as string;
      box.emu.injectFault({
        action: 'DeleteAccessKey',
        times: 1,
        kind: 'status',
        status: 403,
        code: 'AccessDenied',
        message: 'not allowed',
      });
      const result = await box.tfmfa(['rotate', 'bob']);
      assert.equal(result.exitCode, 1);
      oneLine(result.stderr);
      const now = (await stored())?.accessKeyId as string;
      assert.notEqual(now, old);
      assert.match(
        result.stderr,
        new RegExp(
          `the new key ${now} is stored and works, but the old key ${old} is still active in IAM .*'aws iam ` +
            `delete-access-key --user-name bob --access-key-id ${old}'`,
        ),
      );
      assert.deepEqual(box.emu.iam.keysOf(user.arn).sort(), [now, old].sort());
      assert.equal((await box.tfmfa(['export', 'bob', '--format', 'json'])).exitCode, 0);
    },
  );

  test("two keys already (IAM's limit): refused before anything changes", async () => {
    const before = await stored();
    const keys = box.emu.iam.keysOf(user.arn);
    assert.equal(keys.length, 2);
    const result = await box.tfmfa(['rotate', 'bob']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /already has two access keys .*nothing changed/);
    assert.deepEqual(await stored(), before);
    assert.deepEqual(box.emu.iam.keysOf(user.arn), keys);
  });

  test('a profile with an MFA device: the IAM calls are signed with the MFA session', async () => {
    const current = (await stored())?.accessKeyId as string;
    // the leftover old key deleted, as the previous message said
    for (const id of box.emu.iam.keysOf(user.arn)) if (id !== current) box.emu.iam.forget(id);
    const config = readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8');
    writeFileSync(
      box.env.AWS_CONFIG_FILE as string,
      config.replace('[profile bob]\n', `[profile bob]\nmfa_serial = ${SERIAL}\n`),
    );
    box.emu.resetCounts();
    const result = await box.tfmfa(['rotate', 'bob', '--mfa-token', box.emu.currentCode(SERIAL)]);
    assert.equal(result.exitCode, 0, result.stderr);
    const iamCalls = box.emu
      .calls()
      .filter((c) => ['ListAccessKeys', 'CreateAccessKey', 'DeleteAccessKey'].includes(c.action));
    assert.equal(iamCalls.length, 3);
    for (const call of iamCalls)
      assert.match(call.accessKeyId ?? '', /^ASIA/, `${call.action} signed with the MFA session`);
    assert.equal(
      box.emu.calls().filter((c) => c.action === 'GetSessionToken' && c.params.SerialNumber === SERIAL).length,
      1,
    );
  });
});

describe('tfmfa add and the tickets', () => {
  let box: Box;
  before(async () => {
    box = await createKeystoreSandbox();
  });
  after(() => box.cleanup());

  test(
    "storing keys drops the profile's ticket (a shim's overlay-only one would otherwise hide " + 'the new keys)',
    async () => {
      writeFileSync(
        box.env.AWS_CONFIG_FILE as string,
        `${readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8')}\n[profile region-only]\nregion = eu-west-1\n`,
      );
      const bin = join(box.dir, 'region-only-bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'terraform'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const shim = await box.tfmfa(['__shim', 'terraform', 'plan'], {
        env: { ...box.env, AWS_PROFILE: 'region-only', PATH: `${bin}:/usr/bin:/bin` },
      });
      const ticket = join(box.cacheDir, 'tickets', 'region-only.ticket');
      assert.ok(existsSync(ticket), `the shim wrote an overlay-only ticket: ${shim.stderr}`);
      const stored = await box.tfmfa(['add', 'region-only', '--env', '--no-verify'], {
        env: { ...box.env, AWS_ACCESS_KEY_ID: box.user.accessKeyId, AWS_SECRET_ACCESS_KEY: box.secret },
      });
      assert.equal(stored.exitCode, 0, stored.stderr);
      assert.equal(existsSync(ticket), false, 'the ticket is gone');
      assert.equal((await box.tfmfa(['remove', 'region-only'])).exitCode, 0);
    },
  );
});
