import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { execa } from 'execa';
import { renderLauncher } from '../../src/shim/launcher/render.ts';
import { hasBotocore } from '../support/botocore.ts';
import {
  botocoreAccessKey,
  cachedFiles,
  jsSdkAccessKey,
  LOGIN_ARN,
  LOGIN_ROLE,
  loginConfig,
  loginTokenFile,
  readLoginTokenFile,
  writeLoginToken,
} from '../support/login-session.ts';
import { createSandbox, NODE_DIR, ROOT, type Sandbox } from '../support/sandbox.ts';
import type { LoginTokenFile } from '../support/sts-emulator/index.ts';

/**
 * `aws login` sessions (login_session profiles) through tfmfa, against the emulator's sign-in service: read
 * without a refresh while fresh, refreshed (DPoP) when about to expire and written back privately, refused
 * in one line when gone; roles chained from them; real readers (botocore, the JS SDK) of the overlay.
 */
describe('aws login sessions (login_session)', () => {
  let box: Sandbox;
  const login = (extra: { expiresInSeconds?: number; sessionSeconds?: number } = {}): LoginTokenFile =>
    box.emu.signin.login({ principalArn: LOGIN_ARN, accountId: '222222222222', ...extra });
  const json = (stdout: string) =>
    JSON.parse(stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };

  before(async () => {
    box = await createSandbox();
    box.emu.addRole({ arn: LOGIN_ROLE });
    box.writeConfig(loginConfig(box));
    box.env.AWS_ENDPOINT_URL_SIGNIN = box.emu.url;
  });
  after(() => box.cleanup());
  beforeEach(() => {
    box.emu.resetCounts();
    rmSync(box.cacheDir, { recursive: true, force: true });
  });

  test('a fresh token is served as it is: no sign-in call, the file untouched, Expiration = expiresAt', async () => {
    const token = login();
    const path = writeLoginToken(box, token);
    const before = statSync(path);
    const result = await box.tfmfa(['credential-process', 'dev-login']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, '');
    const out = json(result.stdout);
    assert.equal(out.AccessKeyId, token.accessToken.accessKeyId);
    assert.equal(out.SessionToken, token.accessToken.sessionToken);
    assert.equal(Date.parse(out.Expiration), Date.parse(token.accessToken.expiresAt));
    assert.equal(box.emu.count('CreateOAuth2Token'), 0);
    assert.equal(statSync(path).mtimeMs, before.mtimeMs);
    assert.equal(statSync(path).ino, before.ino);
  });

  test(
    'a token within the refresh window is refreshed through the sign-in service and written back ' + '0600, atomically',
    async () => {
      const token = login({ expiresInSeconds: 120 });
      const path = writeLoginToken(box, token);
      const before = statSync(path);
      const result = await box.tfmfa(['credential-process', 'dev-login']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(box.emu.count('CreateOAuth2Token'), 1);
      const out = json(result.stdout);
      const written = readLoginTokenFile(box);
      assert.notEqual(out.AccessKeyId, token.accessToken.accessKeyId);
      assert.equal(out.AccessKeyId, written.accessToken.accessKeyId);
      assert.equal(Date.parse(out.Expiration), Date.parse(written.accessToken.expiresAt));
      assert.ok(Date.parse(out.Expiration) - Date.now() > 800_000, out.Expiration);
      assert.notEqual(written.refreshToken, token.refreshToken, 'the rotated refresh token is kept');
      assert.equal(written.dpopKey, token.dpopKey);
      assert.equal(written.clientId, token.clientId);
      const after = statSync(path);
      assert.equal(after.mode & 0o777, 0o600);
      assert.notEqual(after.ino, before.ino, 'a new file renamed into place, not the old one truncated and rewritten');
      assert.deepEqual(
        readdirSync(dirname(path)),
        [path.slice(dirname(path).length + 1)],
        'no work copy left beside the token',
      );
      // The refreshed credentials are what the next run reads, without another refresh.
      const again = await box.tfmfa(['credential-process', 'dev-login']);
      assert.equal(json(again.stdout).AccessKeyId, out.AccessKeyId);
      assert.equal(box.emu.count('CreateOAuth2Token'), 1);
    },
  );

  test('parallel runs with a token to refresh spend the single-use refresh token once', async () => {
    writeLoginToken(box, login({ expiresInSeconds: 60 }));
    const runs = await Promise.all([1, 2, 3, 4].map(() => box.tfmfa(['credential-process', 'dev-login'])));
    for (const run of runs) assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(new Set(runs.map((run) => json(run.stdout).AccessKeyId)).size, 1);
    assert.equal(box.emu.count('CreateOAuth2Token'), 1);
  });

  /** Runs credential-process for dev-login with the token file as `prepare` leaves it; checks the refusal. */
  async function refused(prepare: () => void, message: RegExp, profile = 'dev-login'): Promise<void> {
    prepare();
    const path = loginTokenFile(box);
    const bytes = existsSync(path) ? readFileSync(path) : undefined;
    const result = await box.tfmfa(['credential-process', profile]);
    assert.notEqual(result.exitCode, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
    assert.match(result.stderr, message);
    assert.deepEqual(existsSync(path) ? readFileSync(path) : undefined, bytes, 'the token file is untouched');
    assert.deepEqual(cachedFiles(box), [], 'nothing cached');
    if (existsSync(dirname(path)))
      assert.deepEqual(
        readdirSync(dirname(path)).filter((name) => name.startsWith('.')),
        [],
        'no work copy left',
      );
  }

  test(
    'a DPoP proof signed with another key is refused by the service: one line naming aws login, ' + 'nothing written',
    async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
        format: 'pem',
        type: 'sec1',
      }) as string;
      await refused(
        () => writeLoginToken(box, { ...login({ expiresInSeconds: 60 }), dpopKey: other }),
        new RegExp(
          String.raw`^tfmfa: profile 'dev-login': the aws login session could not be refreshed \(.*DPoP.*\): ` +
            'run `aws login --profile dev-login`$',
          'm',
        ),
      );
      assert.equal(
        box.emu.calls().find((call) => call.action === 'CreateOAuth2Token')?.errorCode,
        'AccessDeniedException:INVALID_REQUEST',
      );
    },
  );

  test(
    'an expired refresh token (the 12 h session is over) is refused: one line naming aws login, ' + 'nothing written',
    async () => {
      await refused(
        () => {
          const token = login({ expiresInSeconds: 60 });
          box.emu.signin.expire(token.refreshToken);
          writeLoginToken(box, token);
        },
        new RegExp(
          String.raw`^tfmfa: profile 'dev-login': the aws login session could not be refreshed ` +
            String.raw`\(Your session has expired\.\): run ` +
            '`aws login --profile dev-login`$',
          'm',
        ),
      );
      assert.equal(
        box.emu.calls().find((call) => call.action === 'CreateOAuth2Token')?.errorCode,
        'AccessDeniedException:TOKEN_EXPIRED',
      );
    },
  );

  test('an expired access token whose refresh fails is never served', async () => {
    await refused(() => {
      const token = login({ expiresInSeconds: -30 });
      box.emu.signin.expire(token.refreshToken);
      writeLoginToken(box, token);
    }, /could not be refreshed .*: run `aws login --profile dev-login`$/m);
  });

  describe('bad token files: one line each, nothing written', () => {
    const cases: Array<[string, () => void, RegExp]> = [
      [
        'no token (login_session but never signed in, or signed out)',
        () => rmSync(loginTokenFile(box), { force: true }),
        /no aws login session \(no token file .*\.json\): run `aws login --profile dev-login`$/m,
      ],
      [
        'an empty file',
        () => writeLoginToken(box, ''),
        /the aws login token .* is empty: run `aws login --profile dev-login`$/m,
      ],
      [
        'a truncated file',
        () => writeLoginToken(box, JSON.stringify(login()).slice(0, 120)),
        /is not valid JSON \(truncated or corrupt\): run `aws login/m,
      ],
      [
        'a corrupt file',
        () => writeLoginToken(box, '\u0000\u0001garbage{'),
        /is not valid JSON \(truncated or corrupt\)/m,
      ],
      [
        'a file without the refresh token',
        () => writeLoginToken(box, JSON.stringify({ ...login(), refreshToken: '' })),
        /lacks refreshToken: run `aws login --profile dev-login`$/m,
      ],
      [
        'a file without credentials',
        () => writeLoginToken(box, JSON.stringify({ ...login(), accessToken: undefined })),
        new RegExp(
          String.raw`lacks accessToken\.accessKeyId, accessToken\.secretAccessKey, accessToken\.sessionToken, ` +
            String.raw`accessToken\.accountId, accessToken\.expiresAt`,
          'm',
        ),
      ],
      [
        'a file open to other users',
        () => chmodSync(writeLoginToken(box, login()), 0o644),
        /is open to other users \(mode 644\): run 'chmod 600 .*\.json'/m,
      ],
      [
        'a token that claims hours of life (the clock is behind)',
        () =>
          writeLoginToken(box, {
            ...login(),
            accessToken: { ...login().accessToken, expiresAt: new Date(Date.now() + 3 * 3600_000).toISOString() },
          }),
        /expires in 180 minutes, but its credentials last at most 15: this machine's clock is behind/m,
      ],
    ];
    for (const [name, prepare, message] of cases) test(name, () => refused(prepare, message));
    test('a login_session that is not a principal ARN', async () => {
      box.writeConfig(`${loginConfig(box)}[profile bad-login]\nlogin_session = alice\n`);
      try {
        const result = await box.tfmfa(['credential-process', 'bad-login']);
        assert.equal(result.exitCode, 2);
        assert.equal(
          result.stderr,
          "tfmfa: profile 'bad-login': login_session 'alice' is not the principal ARN `aws login` writes: run " +
            '`aws login --profile bad-login` to set it again',
        );
        assert.deepEqual(cachedFiles(box), []);
      } finally {
        box.writeConfig(loginConfig(box));
      }
    });
    test('the same refusals reach a role chained from the login profile', () =>
      refused(() => writeLoginToken(box, ''), /profile 'dev-login': the aws login token .* is empty/m, 'login-role'));
  });

  test('a clock far ahead: the proof is refused by the service as outside its time window', async () => {
    box.emu.setSkew(-3600);
    try {
      await refused(
        () => writeLoginToken(box, login({ expiresInSeconds: 60 })),
        /could not be refreshed \(.*iat is too far from the server time/m,
      );
    } finally {
      box.emu.setSkew(0);
    }
  });

  test(
    'a role from a login profile: AssumeRole signed by the login credentials, cached, never past ' +
      'the login credentials',
    async () => {
      const token = login();
      writeLoginToken(box, token);
      const first = await box.tfmfa(['credential-process', 'login-role']);
      assert.equal(first.exitCode, 0, first.stderr);
      const assume = box.emu.calls().filter((call) => call.action === 'AssumeRole');
      assert.equal(assume.length, 1);
      assert.equal(assume[0]?.accessKeyId, token.accessToken.accessKeyId);
      const out = json(first.stdout);
      assert.ok(
        Date.parse(out.Expiration) <= Date.parse(token.accessToken.expiresAt),
        `${out.Expiration} is past the login credentials' ${token.accessToken.expiresAt}`,
      );
      const warm = await box.tfmfa(['credential-process', 'login-role']);
      assert.equal(json(warm.stdout).AccessKeyId, out.AccessKeyId);
      assert.equal(box.emu.count('AssumeRole'), 1, 'served from the cache');
      // The session is gone (aws logout): the cached role is not served any more.
      rmSync(loginTokenFile(box));
      const gone = await box.tfmfa(['credential-process', 'login-role']);
      assert.notEqual(gone.exitCode, 0);
      assert.equal(gone.stdout, '');
      assert.match(
        gone.stderr,
        /^tfmfa: profile 'dev-login': no aws login session .*: run `aws login --profile dev-login`$/,
      );
    },
  );

  test(
    'a role with mfa_serial from a login profile prompts once and caches, and its expiry follows ' +
      'the refreshed login',
    async () => {
      writeLoginToken(box, login());
      const runsBefore = box.mfaProcessRuns();
      const first = await box.tfmfa(['credential-process', 'login-mfa-role']);
      assert.equal(first.exitCode, 0, first.stderr);
      const second = await box.tfmfa(['credential-process', 'login-mfa-role']);
      assert.equal(second.exitCode, 0, second.stderr);
      assert.equal(json(second.stdout).AccessKeyId, json(first.stdout).AccessKeyId);
      assert.equal(box.mfaProcessRuns() - runsBefore, 1, 'one code');
      // The login credentials are refreshed: the cached role (valid an hour) is served again, now up to the new login
      // expiry.
      writeLoginToken(box, {
        ...readLoginTokenFile(box),
        accessToken: { ...readLoginTokenFile(box).accessToken, expiresAt: new Date(Date.now() + 60_000).toISOString() },
      });
      const third = await box.tfmfa(['credential-process', 'login-mfa-role']);
      assert.equal(third.exitCode, 0, third.stderr);
      assert.equal(box.emu.count('CreateOAuth2Token'), 1);
      assert.equal(json(third.stdout).AccessKeyId, json(first.stdout).AccessKeyId);
      assert.equal(
        Date.parse(json(third.stdout).Expiration),
        Date.parse(readLoginTokenFile(box).accessToken.expiresAt),
      );
      assert.equal(box.mfaProcessRuns() - runsBefore, 1, 'still one code');
    },
  );

  test(
    'exec: the child gets the login credentials, and the overlay hands login_session profiles ' + 'to tfmfa',
    async () => {
      const token = login();
      writeLoginToken(box, token);
      const script =
        'const ' +
        'fs=require("fs");console.log(JSON.stringify({key:process.env.AWS_ACCESS_KEY_ID,' +
        'expiration:process.env.AWS_CREDENTIAL_EXPIRATION,' +
        'config:fs.readFileSync(process.env.AWS_CONFIG_FILE,"utf8")}))';
      const result = await box.tfmfa(['exec', 'dev-login', '--', process.execPath, '-e', script]);
      assert.equal(result.exitCode, 0, result.stderr);
      const child = JSON.parse(result.stdout) as { key: string; expiration: string; config: string };
      assert.equal(child.key, token.accessToken.accessKeyId);
      assert.equal(Date.parse(child.expiration), Date.parse(token.accessToken.expiresAt));
      assert.doesNotMatch(child.config, /login_session/);
      for (const profile of ['dev-login', 'login-role', 'login-mfa-role']) {
        assert.match(
          child.config,
          new RegExp(`\\[profile ${profile}\\]\\ncredential_process = .* credential-process .* -- ${profile}\\n`),
        );
      }
    },
  );

  for (const [reader, accessKey] of [
    ['botocore', botocoreAccessKey],
    ['the JS SDK', jsSdkAccessKey],
  ] as const) {
    test(
      `${reader} resolves login_session profiles through the overlay inside exec (login and role)`,
      { skip: reader === 'botocore' && !hasBotocore() && 'no python3-botocore' },
      async () => {
        const token = login();
        writeLoginToken(box, token);
        const role = json((await box.tfmfa(['credential-process', 'login-role'])).stdout).AccessKeyId;
        // The environment exec gives its child: keys of another profile, the overlay, the real files behind it.
        const printEnv = await box.tfmfa([
          'exec',
          'login-role',
          '--',
          process.execPath,
          '-e',
          'console.log(JSON.stringify(process.env))',
        ]);
        assert.equal(printEnv.exitCode, 0, printEnv.stderr);
        const env = JSON.parse(printEnv.stdout) as Record<string, string>;
        assert.deepEqual(accessKey(env, 'dev-login'), { key: token.accessToken.accessKeyId });
        assert.deepEqual(accessKey(env, 'login-role'), { key: role });
      },
    );
  }
});

describe('aws login sessions in list and doctor', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
    box.writeConfig(loginConfig(box));
  });
  after(() => box.cleanup());

  test('list shows login profiles as kind login, and their session with the time left (no secret)', async () => {
    const token = box.emu.signin.login({ principalArn: LOGIN_ARN, accountId: '222222222222', expiresInSeconds: 600 });
    writeLoginToken(box, token);
    const listed = await box.tfmfa(['list', '--json']);
    assert.equal(listed.exitCode, 0, listed.stderr);
    const document = JSON.parse(listed.stdout) as {
      profiles: Array<{ name: string; kind: string; source: { kind: string } | null }>;
      sessions: Array<{ kind: string; profile: string; secondsLeft: number; expired: boolean; label: string }>;
    };
    assert.equal(document.profiles.find((p) => p.name === 'dev-login')?.kind, 'login');
    assert.equal(document.profiles.find((p) => p.name === 'login-role')?.source?.kind, 'login');
    const session = document.sessions.find((s) => s.kind === 'login');
    assert.equal(session?.profile, 'dev-login');
    assert.ok(session && session.secondsLeft > 550 && session.secondsLeft <= 600, JSON.stringify(session));
    assert.match(session?.label ?? '', new RegExp(`^aws login ${LOGIN_ARN} \\(${loginTokenFile(box)}\\)$`));
    const table = await box.tfmfa(['list']);
    assert.match(table.stdout, /dev-login +login +(9|10)m/);
    for (const secret of [token.accessToken.secretAccessKey, token.accessToken.sessionToken, token.refreshToken])
      assert.ok(!table.stdout.includes(secret) && !listed.stdout.includes(secret));
  });

  test('doctor says where the token is and checks it: fine, expired, open to others, missing', async () => {
    const path = writeLoginToken(box, box.emu.signin.login({ principalArn: LOGIN_ARN, accountId: '222222222222' }));
    const fine = await box.tfmfa(['doctor', 'login-role']);
    assert.match(
      fine.stdout,
      new RegExp(`✔ aws login token ${path} of 'dev-login': yours, private \\(600\\); credentials valid 1[45]m`),
    );
    writeLoginToken(
      box,
      box.emu.signin.login({ principalArn: LOGIN_ARN, accountId: '222222222222', expiresInSeconds: -120 }),
    );
    const expired = await box.tfmfa(['doctor', 'dev-login']);
    assert.match(
      expired.stdout,
      /! aws login token .* its credentials expired 2m ago: tfmfa refreshes them on the next use/,
    );
    chmodSync(path, 0o640);
    const open = await box.tfmfa(['doctor', 'dev-login']);
    assert.equal(open.exitCode, 1);
    assert.match(open.stdout, /✖ profile 'dev-login': the aws login token .* is open to other users \(mode 640\)/);
    rmSync(path);
    const missing = await box.tfmfa(['doctor', 'dev-login']);
    assert.equal(missing.exitCode, 1);
    assert.match(
      missing.stdout,
      new RegExp(
        String.raw`✖ profile 'dev-login': no aws login session \(no token file .*\): ` +
          'run `aws login --profile dev-login`' +
          String.raw`\n +fix: ` +
          'run `aws login --profile dev-login`',
      ),
    );
  });
});

describe('aws login sessions everywhere a profile works', () => {
  let box: Sandbox;
  let token: LoginTokenFile;
  before(async () => {
    box = await createSandbox();
    box.emu.addRole({ arn: LOGIN_ROLE });
    box.writeConfig(loginConfig(box));
    box.env.AWS_ENDPOINT_URL_SIGNIN = box.emu.url;
    token = box.emu.signin.login({ principalArn: LOGIN_ARN, accountId: '222222222222' });
    writeLoginToken(box, token);
  });
  after(() => box.cleanup());

  test('export, terragrunt-auth and open-session serve the login credentials', async () => {
    const exported = await box.tfmfa(['export', '--format', 'json', 'dev-login']);
    assert.equal(exported.exitCode, 0, exported.stderr);
    assert.equal(JSON.parse(exported.stdout).AccessKeyId, token.accessToken.accessKeyId);
    const auth = await box.tfmfa(['terragrunt-auth', 'dev-login']);
    assert.equal(auth.exitCode, 0, auth.stderr);
    assert.equal(JSON.parse(auth.stdout).awsCredentials.ACCESS_KEY_ID, token.accessToken.accessKeyId);
    const opened = await box.tfmfa(['open-session', 'dev-login', 'login-role']);
    assert.equal(opened.exitCode, 0, opened.stderr);
    assert.match(
      opened.stdout,
      new RegExp(
        `^profile 'dev-login': aws login session ${LOGIN_ARN}: open until .* \\(1[45]m left\\) \\(refreshed ` +
          `through the sign-in service while the aws login session lasts\\)$`,
        'm',
      ),
    );
    assert.match(
      opened.stdout,
      new RegExp(
        String.raw`^profile 'login-role': role .*from-login.*: open until .* \(renewed from the aws login ` +
          String.raw`session while it lasts\)$`,
        'm',
      ),
    );
  });

  test('the renewing credential server (exec --server) serves the login credentials, never past them', async () => {
    const script =
      'fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,' +
      '{headers:{Authorization:process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN}})' +
      '.then(r=>r.json()).then(j=>console.log(JSON.stringify(j)))';
    for (const profile of ['dev-login', 'login-role']) {
      const result = await box.tfmfa(['exec', '--server', profile, '--', process.execPath, '-e', script]);
      assert.equal(result.exitCode, 0, result.stderr);
      const served = JSON.parse(result.stdout) as { AccessKeyId: string; Expiration: string };
      if (profile === 'dev-login') assert.equal(served.AccessKeyId, token.accessToken.accessKeyId);
      assert.ok(
        Date.parse(served.Expiration) <= Date.parse(token.accessToken.expiresAt),
        `${profile}: ${served.Expiration}`,
      );
    }
  });

  test(
    'through an installed shim: the real AWS CLI 2.9 (no aws login support) uses the login profile and a role ' +
      'chained from it',
    { skip: !existsSync('/usr/bin/aws') && 'no AWS CLI' },
    async () => {
      const shims = join(box.dir, 'installed-shims');
      const installed = await box.tfmfa(['shim', 'install', '--dir', shims, 'aws'], {
        env: { ...box.env, PATH: `${NODE_DIR}:/usr/bin:/bin` },
      });
      assert.equal(installed.exitCode, 0, installed.stderr);
      // AWS_PROFILE selects the session the shim opens; below, nothing exported.
      const env = { ...box.env, PATH: `${shims}:${NODE_DIR}:/usr/bin:/bin`, AWS_PROFILE: 'dev-login' };
      const identity = async (args: string[]) => {
        const run = await execa(
          join(shims, 'aws'),
          [
            'sts',
            'get-caller-identity',
            '--endpoint-url',
            box.emu.url,
            '--region',
            'us-west-2',
            '--output',
            'json',
            ...args,
          ],
          { env, extendEnv: false, reject: false },
        );
        assert.equal(run.exitCode, 0, run.stderr);
        return (JSON.parse(run.stdout) as { Arn: string }).Arn;
      };
      assert.equal(await identity([]), LOGIN_ARN);
      assert.equal(
        await identity(['--profile', 'dev-login']),
        LOGIN_ARN,
        'the overlay line of the login profile itself',
      );
      assert.match(
        await identity(['--profile', 'login-role']),
        /^arn:aws:sts::111111111111:assumed-role\/from-login\//,
      );
      // Nothing exported (no AWS_PROFILE): the shim hands the AWS CLI the overlay only, and --profile reaches the login
      // profile and the role chained from it through tfmfa's credential_process.
      const bare: Record<string, string> = { ...env };
      delete bare.AWS_PROFILE;
      for (const [profile, arn] of [
        ['dev-login', new RegExp(`^${LOGIN_ARN}$`)],
        ['login-role', /^arn:aws:sts::111111111111:assumed-role\/from-login\//],
      ] as const) {
        const run = await execa(
          join(shims, 'aws'),
          [
            'sts',
            'get-caller-identity',
            '--endpoint-url',
            box.emu.url,
            '--region',
            'us-west-2',
            '--output',
            'json',
            '--profile',
            profile,
          ],
          { env: bare, extendEnv: false, reject: false },
        );
        assert.equal(run.exitCode, 0, `${profile}: ${run.stderr}`);
        assert.equal(run.stderr, '', `${profile}: nothing on stderr`);
        assert.match((JSON.parse(run.stdout) as { Arn: string }).Arn, arn, profile);
      }
      // Through exec the same.
      const viaExec = await box.tfmfa([
        'exec',
        'dev-login',
        '--',
        '/usr/bin/aws',
        'sts',
        'get-caller-identity',
        '--endpoint-url',
        box.emu.url,
        '--region',
        'us-west-2',
        '--output',
        'json',
        '--profile',
        'login-role',
      ]);
      assert.equal(viaExec.exitCode, 0, viaExec.stderr);
      assert.match((JSON.parse(viaExec.stdout) as { Arn: string }).Arn, /assumed-role\/from-login\//);
    },
  );

  test(
    'a warm credential_process of a login profile is served by tfmfa-launcher from its ticket, ' +
      'the same bytes as Node',
    async () => {
      const opened = await box.tfmfa(['exec', 'dev-login', '--', '/bin/true']);
      assert.equal(opened.exitCode, 0, opened.stderr);
      // The overlay's launcher, with no Node to hand over to: a run it cannot serve fails.
      const launcher = join(box.dir, 'serving', 'tfmfa-launcher');
      mkdirSync(dirname(launcher), { recursive: true });
      writeFileSync(launcher, renderLauncher({ entry: '/nonexistent/tfmfa/dist/cli.js' }), { mode: 0o755 });
      const files = [
        '--config-file',
        box.env.AWS_CONFIG_FILE as string,
        '--credentials-file',
        box.env.AWS_SHARED_CREDENTIALS_FILE as string,
        '--',
        'dev-login',
      ];
      const node = await box.tfmfa(['credential-process', ...files]);
      const served = await execa(
        launcher,
        ['/nonexistent/node', '/nonexistent/tfmfa/dist/cli.js', 'credential-process', ...files],
        { env: box.env, extendEnv: false, reject: false },
      );
      assert.equal(served.exitCode, 0, `the launcher handed over to Node: ${served.stderr}`);
      assert.equal(served.stdout, node.stdout);
      assert.equal(JSON.parse(served.stdout).AccessKeyId, token.accessToken.accessKeyId);
    },
  );
});

describe('aws login on the hot path', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
    box.writeConfig(loginConfig(box));
    box.env.AWS_ENDPOINT_URL_SIGNIN = box.emu.url;
  });
  after(() => box.cleanup());

  test('a fresh login token is served without loading the AWS SDK; a refresh loads it', async () => {
    const log = join(box.dir, 'imports.log');
    const env = {
      ...box.env,
      NODE_OPTIONS: `--import=${join(ROOT, 'test', 'support', 'record-imports.mjs')}`,
      RECORD_IMPORTS_LOG: log,
      RECORD_IMPORTS_MATCH: '/node_modules/@aws-sdk/|/dist/vendor-',
    };
    const sdk = () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => /@aws-sdk|vendor-aws-sdk/.test(line))
        : [];
    writeLoginToken(box, box.emu.signin.login({ principalArn: LOGIN_ARN, accountId: '222222222222' }));
    for (const args of [
      ['credential-process', 'dev-login'],
      ['exec', 'dev-login', '--', '/bin/true'],
    ]) {
      const run = await box.tfmfa(args, { env });
      assert.equal(run.exitCode, 0, run.stderr);
    }
    assert.deepEqual(sdk(), []);
    writeLoginToken(
      box,
      box.emu.signin.login({ principalArn: LOGIN_ARN, accountId: '222222222222', expiresInSeconds: 60 }),
    );
    const refreshed = await box.tfmfa(['credential-process', 'dev-login'], { env });
    assert.equal(refreshed.exitCode, 0, refreshed.stderr);
    assert.ok(
      sdk().some((line) => /credential-providers/.test(line)),
      sdk().join('\n'),
    );
  });
});
