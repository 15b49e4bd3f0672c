// tfmfa import --from aws-vault, against aws-vault's stores written by code that is not tfmfa's: encrypted files
// made by jwcrypto (a different JOSE implementation), a real Secret Service (gnome-keyring) holding an 'awsvault'
// collection written with python3-secretstorage, and a stand-in aws-vault for the export route.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileBackend } from '../../../src/keystore/file-backend.ts';
import { readKeyIndex } from '../../../src/keystore/key-index.ts';
import { createShimWorld, type ShimWorld } from '../../support/shim-world.ts';
import { spawnInPty } from '../../support/pty.ts';
import { createStandIn } from '../../support/stand-in.ts';
import { CLI, ROOT, SERIAL, type Sandbox, type TfmfaResult } from '../../support/sandbox.ts';
import { commandLinesContaining, filesContaining, PASSPHRASE } from './support.ts';
import { secretServiceUnavailable, startSecretService, type SecretService } from './secret-service.ts';

const WRITER = join(ROOT, 'test', 'support', 'aws-vault-writer.py');
const AWS_VAULT_PASSPHRASE = 'aws-vault passphrase 42';

type Entry = { key: string; credentials?: Record<string, unknown>; raw?: string };

function goCredentials(accessKeyId: string, secretAccessKey: string, sessionToken = ''): Record<string, unknown> {
  return {
    AccessKeyID: accessKeyId,
    SecretAccessKey: secretAccessKey,
    SessionToken: sessionToken,
    Source: 'StaticCredentialsProvider',
    CanExpire: false,
    Expires: '0001-01-01T00:00:00Z',
  };
}

function writeStore(args: string[], entries: Entry[], env: Record<string, string>): void {
  // The secrets go to the writer on stdin, never on its command line.
  const result = spawnSync('/usr/bin/python3', [WRITER, ...args], {
    input: JSON.stringify(entries),
    env: { PATH: '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
}

function writerUnavailable(): string | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import jwcrypto, secretstorage'], { encoding: 'utf8' });
  return probe.status === 0
    ? null
    : 'python3-jwcrypto and python3-secretstorage are not installed (.ci/run installs them)';
}

/** The seed's role profile after an import: long-term keys only in tfmfa's store, nothing in ~/.aws/credentials. */
function emptyCredentialsFile(box: Sandbox): void {
  writeFileSync(join(box.home, '.aws', 'credentials'), '');
}

function stored(box: Sandbox): Map<string, { accessKeyId: string }> {
  return readKeyIndex(join(box.env.XDG_CONFIG_HOME as string, 'tfmfa', 'keys.json')) as Map<
    string,
    { accessKeyId: string }
  >;
}

describe('import --from aws-vault', { skip: writerUnavailable() ?? false }, () => {
  let world: ShimWorld;
  let box: Sandbox;
  let vaultDir: string;
  const outputs: string[] = [];
  const cmdlineHits: string[] = [];
  let secrets: string[] = [];

  async function tfmfa(args: string[], env: Record<string, string> = {}): Promise<TfmfaResult> {
    // TFMFA_DEBUG=1: not even the debug lines may carry a secret.
    const running = box.tfmfa(args, { env: { ...box.env, TFMFA_DEBUG: '1', ...env } });
    let finished = false;
    void running.finally(() => {
      finished = true;
    });
    while (!finished) {
      for (const secret of secrets) cmdlineHits.push(...commandLinesContaining(secret));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const result = await running;
    outputs.push(`${result.stdout}\n${result.stderr}`);
    return result;
  }

  before(async () => {
    world = await createShimWorld();
    box = world.box;
    Object.assign(box.env, {
      XDG_CONFIG_HOME: join(box.dir, 'xdg-config'),
      TFMFA_BACKEND: 'file',
      TFMFA_FILE_PASSPHRASE: PASSPHRASE,
      AWS_ENDPOINT_URL_IAM: box.emu.url,
    });
    vaultDir = join(box.dir, 'awsvault-keys');
    secrets = [box.user.secretAccessKey];
  });
  after(async () => {
    await world.cleanup();
  });

  test(
    'the file backend: profiles imported and verified, caches and temporary keys skipped, then ' +
      'exec and a shim work',
    async () => {
      const ops = box.emu.addUser({ userName: 'ops', accountId: '222222222222' });
      secrets.push(ops.secretAccessKey);
      writeStore(
        ['file', vaultDir],
        [
          { key: 'GEHC-000', credentials: goCredentials(box.user.accessKeyId, box.user.secretAccessKey) },
          { key: 'team/ops', credentials: goCredentials(ops.accessKeyId, ops.secretAccessKey) },
          { key: 'temp', credentials: goCredentials('ASIATEMPORARY0000001', 'temporarysecret0000000000', 'token') },
          {
            key:
              `sts.GetSessionToken,${Buffer.from('GEHC-000').toString('base64url')},` +
              `${Buffer.from(SERIAL).toString('base64url')},1796600000`,
            credentials: goCredentials('ASIACACHED0000000001', 'cachedsecret000000000000', 'token'),
          },
          { key: 'oidc:https://example.awsapps.com/start', raw: '{"AccessToken":"x"}' },
        ],
        { AWS_VAULT_WRITER_PASSPHRASE: AWS_VAULT_PASSPHRASE },
      );
      assert.ok(
        readdirSync(vaultDir).includes('team%2Fops'),
        'the writer percent-encodes / as the keyring library does',
      );
      emptyCredentialsFile(box);
      const env = {
        AWS_VAULT_BACKEND: 'file',
        AWS_VAULT_FILE_DIR: vaultDir,
        AWS_VAULT_FILE_PASSPHRASE: AWS_VAULT_PASSPHRASE,
      };
      const result = await tfmfa(['import', '--from', 'aws-vault'], env);
      assert.equal(result.exitCode, 0, result.stderr);
      const lines = result.stdout.trim().split('\n');
      assert.match(
        result.stdout,
        new RegExp(
          String.raw`aws-vault: skipped 2 cached session\(s\) and token\(s\) \(.*a cached session ` +
            String.raw`\(sts\.GetSessionToken\).*\): not long-term keys`,
        ),
      );
      assert.match(result.stdout, /aws-vault: skipped 2 .*an SSO OIDC token/);
      assert.match(
        result.stdout,
        new RegExp(
          `aws-vault 'GEHC-000': imported ${box.user.accessKeyId} \\(arn:aws:iam::222222222222:user/username\\) ` +
            `into the encrypted file`,
        ),
      );
      assert.match(
        result.stdout,
        new RegExp(`aws-vault 'team/ops': imported ${ops.accessKeyId} \\(arn:aws:iam::222222222222:user/ops\\)`),
      );
      assert.match(result.stdout, /aws-vault 'temp': skipped: temporary keys/);
      assert.equal(lines.length, 4, result.stdout);
      const keys = await new FileBackend(join(box.env.XDG_CONFIG_HOME as string, 'tfmfa'), async () => PASSPHRASE).get(
        'GEHC-000',
      );
      assert.deepEqual(keys, { accessKeyId: box.user.accessKeyId, secretAccessKey: box.user.secretAccessKey });
      assert.deepEqual([...stored(box).keys()].sort(), ['GEHC-000', 'team/ops']);
      assert.equal(readdirSync(vaultDir).length, 5, "aws-vault's files are left as they were");

      // The seed's role profile (source_profile GEHC-000, mfa_serial, role) works with no further step: a shim
      // first, on a terminal (it prompts once for the code; the keys come from tfmfa's store).
      const first = spawnInPty(join(world.shimDir('launcher'), 'terraform'), ['plan'], {
        env: world.env('launcher', { AWS_PROFILE: 'GEHC-056', TFMFA_DEBUG: '1' }),
        cwd: box.dir,
      });
      await first.waitFor(`Enter MFA code for ${SERIAL}:`, 30_000);
      first.write(`${world.freshCode()}\r`);
      assert.equal((await first.exited).code, 0, first.output());
      outputs.push(first.output());
      assert.match(world.last('terraform').env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      assert.equal(
        box.emu.calls().filter((c) => c.action === 'GetSessionToken' && c.accessKeyId === box.user.accessKeyId).length,
        1,
        'the session was made from the imported key',
      );
      assert.equal(spawnSync(process.execPath, [CLI, 'clear'], { env: box.env }).status, 0);
      const exec = await tfmfa([
        'exec',
        'GEHC-056',
        '--mfa-token',
        world.freshCode(),
        '--',
        process.execPath,
        '-e',
        'process.stdout.write(process.env.AWS_ACCESS_KEY_ID + " " + process.env.AWS_SESSION_TOKEN.length)',
      ]);
      assert.equal(exec.exitCode, 0, exec.stderr);
      assert.match(exec.stdout, /^ASIA\w+ \d+$/);
      for (const via of ['node', 'launcher'] as const) {
        const shim = await world.run(via, 'terraform', ['plan'], { env: { AWS_PROFILE: 'GEHC-056' } });
        assert.equal(shim.exitCode, 0, shim.stderr);
        const record = world.last('terraform');
        assert.match(record.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
        assert.equal(record.env.AWS_SECRET_ACCESS_KEY === box.user.secretAccessKey, false);
      }

      // Again: what tfmfa holds is kept, unless --force.
      const again = await tfmfa(['import', '--from', 'aws-vault', 'GEHC-000'], env);
      assert.equal(again.exitCode, 0, again.stderr);
      assert.equal(
        again.stdout,
        `tfmfa: aws-vault 'GEHC-000': already in tfmfa's key store (${box.user.accessKeyId}, file): kept ` +
          `(--force replaces it)`,
      );
      const forced = await tfmfa(['import', '--from', 'aws-vault', 'GEHC-000', '--force'], env);
      assert.equal(forced.exitCode, 0, forced.stderr);
      assert.match(forced.stdout, /^tfmfa: aws-vault 'GEHC-000': imported .* \(replaced /);
    },
  );

  test(
    'a wrong passphrase, a truncated file, a tampered tag, a key IAM rejects: refused in one ' +
      'line each, nothing stored',
    async () => {
      const dir = join(box.dir, 'awsvault-bad');
      const good = box.emu.addUser({ userName: 'good', accountId: '222222222222' });
      secrets.push(good.secretAccessKey, 'WRONGSECRETWRONGSECRET0000');
      writeStore(
        ['file', dir],
        [
          { key: 'good', credentials: goCredentials(good.accessKeyId, good.secretAccessKey) },
          { key: 'truncated', credentials: goCredentials(good.accessKeyId, good.secretAccessKey) },
          { key: 'tampered', credentials: goCredentials(good.accessKeyId, good.secretAccessKey) },
          { key: 'rejected', credentials: goCredentials('AKIAUNKNOWNKEY000001', 'WRONGSECRETWRONGSECRET0000') },
        ],
        { AWS_VAULT_WRITER_PASSPHRASE: AWS_VAULT_PASSPHRASE },
      );
      const truncated = readFileSync(join(dir, 'truncated'), 'utf8');
      writeFileSync(join(dir, 'truncated'), truncated.slice(0, Math.floor(truncated.length / 2)));
      const tampered = readFileSync(join(dir, 'tampered'), 'utf8');
      const flip = tampered.length - 3;
      writeFileSync(
        join(dir, 'tampered'),
        `${tampered.slice(0, flip)}${tampered[flip] === 'A' ? 'B' : 'A'}${tampered.slice(flip + 1)}`,
      );
      const env = {
        AWS_VAULT_BACKEND: 'file',
        AWS_VAULT_FILE_DIR: dir,
        AWS_VAULT_FILE_PASSPHRASE: AWS_VAULT_PASSPHRASE,
      };

      const wrong = await tfmfa(['import', '--from', 'aws-vault', 'good'], {
        ...env,
        AWS_VAULT_FILE_PASSPHRASE: 'not the passphrase',
      });
      assert.equal(wrong.exitCode, 1);
      assert.match(
        wrong.stdout,
        new RegExp(
          String.raw`^tfmfa: aws-vault 'good': not imported: .*good: the passphrase does not open it \(wrong ` +
            String.raw`passphrase\?\): check AWS_VAULT_FILE_PASSPHRASE`,
        ),
      );
      assert.equal(wrong.stdout.trim().split('\n').length, 1);
      assert.equal(stored(box).has('good'), false);

      const result = await tfmfa(['import', '--from', 'aws-vault'], env);
      assert.equal(result.exitCode, 1);
      const byProfile = new Map(
        result.stdout
          .trim()
          .split('\n')
          .map((line) => [/aws-vault '([^']+)'/.exec(line)?.[1], line]),
      );
      assert.match(byProfile.get('good') ?? '', /imported/);
      assert.match(
        byProfile.get('truncated') ?? '',
        new RegExp(
          String.raw`not imported: .* is not an intact aws-vault item: it has \d parts, not the 5 of a compact ` +
            String.raw`JWE|not imported: .* is not an intact aws-vault item: its (ciphertext|tag|IV)`,
        ),
      );
      assert.match(
        byProfile.get('tampered') ?? '',
        /not imported: .* is not an intact aws-vault item: its content does not authenticate/,
      );
      assert.match(
        byProfile.get('rejected') ?? '',
        /not imported: .*(InvalidClientTokenId|security token included in the request is invalid)/,
      );
      assert.equal(result.stdout.trim().split('\n').length, 4);
      assert.match(result.stderr, /^tfmfa: import --from aws-vault: 3 profile\(s\) not imported/m);
      assert.deepEqual(
        ['truncated', 'tampered', 'rejected'].filter((name) => stored(box).has(name)),
        [],
      );
    },
  );

  test(
    "the Secret Service collection 'awsvault' (gnome-keyring): read over D-Bus, --remove deletes only the " +
      'imported item',
    { skip: secretServiceUnavailable() ?? false },
    async () => {
      const service: SecretService = await startSecretService();
      try {
        const sam = box.emu.addUser({ userName: 'sam', accountId: '222222222222' });
        const kim = box.emu.addUser({ userName: 'kim', accountId: '222222222222' });
        secrets.push(sam.secretAccessKey, kim.secretAccessKey);
        writeStore(
          ['secret-service'],
          [
            { key: 'sam', credentials: goCredentials(sam.accessKeyId, sam.secretAccessKey) },
            { key: 'kim', credentials: goCredentials(kim.accessKeyId, kim.secretAccessKey) },
            {
              key: `sts.AssumeRole,${Buffer.from('kim').toString('base64url')},,1796600000`,
              credentials: goCredentials('ASIACACHED0000000002', 'cachedsecret000000000000', 'token'),
            },
            { key: 'oidc:https://example.awsapps.com/start', raw: '{"AccessToken":"x"}' },
          ],
          { ...service.env, AWS_VAULT_WRITER_COLLECTION_PASSWORD: 'collection password' },
        );
        // Another application's item with the same attribute, in another collection: never read, never removed.
        assert.equal(service.secretTool(['store', '--label', 'other', 'profile', 'sam'], 'other-app-secret').status, 0);
        const env = { ...service.env, HOME: box.home, XDG_RUNTIME_DIR: service.env.XDG_RUNTIME_DIR as string };

        const result = await tfmfa(['import', '--from', 'aws-vault', '--remove', 'sam'], env);
        assert.equal(result.exitCode, 0, result.stderr);
        assert.match(
          result.stdout,
          new RegExp(
            `^tfmfa: aws-vault 'sam': imported ${sam.accessKeyId} \\(arn:aws:iam::222222222222:user/sam\\) ` +
              `into the encrypted file .*; removed from aws-vault$`,
          ),
        );
        const search = service.secretTool(['search', '--all', 'profile', 'sam']);
        assert.doesNotMatch(
          search.stdout + search.stderr,
          /aws-vault \(sam\)|AccessKeyID|Data/,
          'the awsvault item of sam is gone',
        );
        assert.equal(
          service.secretTool(['lookup', 'profile', 'sam']).stdout,
          'other-app-secret',
          "another collection's item stays",
        );
        assert.match(
          service.secretTool(['lookup', 'profile', 'kim']).stdout,
          /"Key":"kim"/,
          'kim was not asked for: untouched',
        );

        // Into tfmfa's own items in the same Secret Service (the OS keyring backend), beside aws-vault's collection.
        const all = await tfmfa(['import', '--from', 'aws-vault', '--backend', 'keyring'], env);
        assert.equal(all.exitCode, 0, all.stderr);
        assert.match(
          all.stdout,
          /skipped 2 cached session\(s\) and token\(s\) \(.*a cached session \(sts\.AssumeRole\)/,
        );
        assert.match(all.stdout, /skipped 2 .*an SSO OIDC token/);
        assert.match(all.stdout, new RegExp(`aws-vault 'kim': imported ${kim.accessKeyId} .* into the OS keyring`));
        assert.deepEqual(JSON.parse(service.secretTool(['lookup', 'service', 'tfmfa', 'username', 'kim']).stdout), {
          accessKeyId: kim.accessKeyId,
          secretAccessKey: kim.secretAccessKey,
        });
        const session = await tfmfa(
          ['exec', 'kim', '--', process.execPath, '-e', 'process.stdout.write(process.env.AWS_ACCESS_KEY_ID)'],
          env,
        );
        assert.equal(session.exitCode, 0, session.stderr);
        assert.match(session.stdout, /^ASIA/, 'a session made from the key in the keyring');
        assert.match(
          service.secretTool(['lookup', 'profile', 'kim']).stdout,
          /"Key":"kim"/,
          'without --remove the item stays',
        );

        // A locked collection: one line saying to unlock it (unlocking needs the desktop's prompt), nothing imported.
        const lock = spawnSync(
          'dbus-send',
          [
            '--session',
            '--print-reply',
            '--dest=org.freedesktop.secrets',
            '/org/freedesktop/secrets',
            'org.freedesktop.Secret.Service.Lock',
            'array:objpath:/org/freedesktop/secrets/collection/awsvault',
          ],
          { env: service.env, encoding: 'utf8' },
        );
        assert.equal(lock.status, 0, lock.stderr);
        const locked = await tfmfa(['import', '--from', 'aws-vault', '--force'], env);
        assert.equal(locked.exitCode, 1);
        assert.equal(locked.stdout, '');
        assert.match(
          locked.stderr,
          new RegExp(
            String.raw`^tfmfa: import --from aws-vault: cannot list the Secret Service collection 'awsvault' ` +
              String.raw`.*: the 'awsvault' collection is locked: unlock it .*: nothing was imported$`,
          ),
        );
      } finally {
        await service.stop();
      }
    },
  );

  test(
    'another backend through a stand-in aws-vault: export --no-session; only aws-vault gets ' + 'its passphrase',
    async () => {
      const bin = join(box.dir, 'aws-vault-bin');
      mkdirSync(bin, { recursive: true });
      const awsVault = createStandIn(bin, 'aws-vault');
      const lee = box.emu.addUser({ userName: 'lee', accountId: '222222222222' });
      secrets.push(lee.secretAccessKey);
      const exported = JSON.stringify({
        Version: 1,
        AccessKeyId: lee.accessKeyId,
        SecretAccessKey: lee.secretAccessKey,
        SessionToken: '',
        Expiration: '',
      });
      awsVault.plan([
        { stdout: 'lee\nsts.GetSessionToken,bGVl,,1796600000\n' },
        { stdout: `${exported}\n` },
        { stdout: '' },
      ]);
      const result = await tfmfa(['import', '--from', 'aws-vault', '--remove'], {
        PATH: `${bin}:${box.env.PATH}`,
        AWS_VAULT_BACKEND: 'pass',
        AWS_VAULT_FILE_PASSPHRASE: 'for aws-vault only',
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`aws-vault 'lee': imported ${lee.accessKeyId} .*; removed from aws-vault`),
      );
      const calls = awsVault.calls();
      assert.deepEqual(
        calls.map((call) => call.argv),
        [
          ['list', '--credentials'],
          ['export', '--no-session', '--format=json', 'lee'],
          ['remove', '--force', 'lee'],
        ],
      );
      for (const call of calls) {
        assert.equal(call.env.AWS_VAULT_FILE_PASSPHRASE, 'for aws-vault only');
        assert.equal(call.env.TFMFA_FILE_PASSPHRASE, undefined, "tfmfa's passphrase never reaches aws-vault");
      }
    },
  );

  test(
    "aws-vault's passphrase: asked once on the terminal, not echoed; without a terminal, one " +
      'line and nothing stored',
    async () => {
      const dir = join(box.dir, 'awsvault-typed');
      const [ann, ben] = [
        box.emu.addUser({ userName: 'ann', accountId: '222222222222' }),
        box.emu.addUser({ userName: 'ben', accountId: '222222222222' }),
      ];
      secrets.push(ann.secretAccessKey, ben.secretAccessKey, AWS_VAULT_PASSPHRASE);
      writeStore(
        ['file', dir],
        [
          { key: 'ann', credentials: goCredentials(ann.accessKeyId, ann.secretAccessKey) },
          { key: 'ben', credentials: goCredentials(ben.accessKeyId, ben.secretAccessKey) },
        ],
        { AWS_VAULT_WRITER_PASSPHRASE: AWS_VAULT_PASSPHRASE },
      );
      const env = { ...box.env, AWS_VAULT_BACKEND: 'file', AWS_VAULT_FILE_DIR: dir };

      const headless = await tfmfa(['import', '--from', 'aws-vault'], env);
      assert.equal(headless.exitCode, 2);
      assert.equal(
        headless.stderr,
        "tfmfa: import --from aws-vault: no terminal to ask for aws-vault's passphrase on: set " +
          'AWS_VAULT_FILE_PASSPHRASE, or run tfmfa from a terminal',
      );
      assert.equal(stored(box).has('ann'), false);

      const out = join(box.dir, 'typed-out.txt');
      const pty = spawnInPty(
        '/bin/sh',
        ['-c', `${process.execPath} ${CLI} import --from aws-vault > ${out} 2>&1 </dev/null`],
        { env },
      );
      await pty.waitFor(`aws-vault's passphrase (of the encrypted files in ${dir}):`);
      pty.write(`${AWS_VAULT_PASSPHRASE}\r`);
      const status = await pty.exited;
      const printed = readFileSync(out, 'utf8');
      outputs.push(printed, pty.output());
      assert.equal(status.code, 0, printed + pty.output());
      assert.equal(pty.output().split("aws-vault's passphrase").length, 2, 'asked once for both profiles');
      assert.equal(pty.output().includes(AWS_VAULT_PASSPHRASE), false, 'not echoed');
      assert.match(printed, /aws-vault 'ann': imported/);
      assert.match(printed, /aws-vault 'ben': imported/);
    },
  );

  test('the macOS keychain, through a stand-in for /usr/bin/security (no Mac here)', async () => {
    const bin = join(box.dir, 'security-bin');
    mkdirSync(bin, { recursive: true });
    const security = createStandIn(bin, 'security');
    const kai = box.emu.addUser({ userName: 'kai', accountId: '222222222222' });
    secrets.push(kai.secretAccessKey);
    // What `security dump-keychain` prints: attributes only, never the data.
    const dump = [
      'keychain: "/Users/you/Library/Keychains/aws-vault.keychain-db"\nversion: 512\nclass: ' +
        '"genp"\nattributes:\n    "acct"<blob>="kai"\n    "svce"<blob>="aws-vault"\n',
      'keychain: "/Users/you/Library/Keychains/aws-vault.keychain-db"\nversion: 512\nclass: ' +
        '"genp"\nattributes:\n    "acct"<blob>="oidc:https://example.awsapps.com/start"\n    ' +
        '"svce"<blob>="aws-vault"\n',
      'keychain: "/Users/you/Library/Keychains/aws-vault.keychain-db"\nversion: 512\nclass: ' +
        '"genp"\nattributes:\n    "acct"<blob>="someone"\n    "svce"<blob>="another-app"\n',
    ].join('');
    security.plan([
      { stdout: dump },
      { stdout: `${JSON.stringify(goCredentials(kai.accessKeyId, kai.secretAccessKey))}\n` },
    ]);
    const result = await tfmfa(['import', '--from', 'aws-vault'], {
      PATH: `${bin}:${box.env.PATH}`,
      AWS_VAULT_BACKEND: 'keychain',
      AWS_VAULT_FILE_PASSPHRASE: 'not for security',
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /skipped 1 cached session\(s\) and token\(s\) \(an SSO OIDC token/);
    assert.match(result.stdout, new RegExp(`aws-vault 'kai': imported ${kai.accessKeyId}`));
    const calls = security.calls();
    assert.deepEqual(
      calls.map((call) => call.argv),
      [
        ['dump-keychain', 'aws-vault.keychain'],
        ['find-generic-password', '-s', 'aws-vault', '-a', 'kai', '-w', 'aws-vault.keychain'],
      ],
    );
    for (const call of calls) {
      assert.equal(call.env.AWS_VAULT_FILE_PASSPHRASE, undefined, "aws-vault's passphrase reaches only aws-vault");
      assert.equal(call.env.TFMFA_FILE_PASSPHRASE, undefined);
    }
  });

  test('nothing secret in any output, command line or plaintext file', () => {
    assert.ok(outputs.length >= 6);
    for (const secret of secrets) {
      for (const output of outputs) assert.equal(output.includes(secret), false, 'a secret in tfmfa output');
      // The stand-ins' own files hold what the test told them to print (their "store"), nothing tfmfa wrote.
      assert.deepEqual(
        filesContaining(box.dir, secret).filter((path) => !/\/(aws-vault|security)-bin\//.test(path)),
        [],
      );
    }
    assert.deepEqual(cmdlineHits, []);
  });
});
