import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { createSandbox, ROLE_ARN, SERIAL, type Sandbox } from '../support/sandbox.ts';

const AWS_CLI = '/usr/bin/aws';

describe('tfmfa exec', () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  const last = () => readRecords(tool.recordsFile).at(-1)!;
  /** A code no earlier test used: TOTP codes are single-use, so move the emulator's clock a step on. */
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };

  before(async () => {
    box = await createSandbox({ extraConfig: '' });
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
  });
  after(() => box.cleanup());
  beforeEach(() => box.emu.resetCounts());

  test('asks STS once with the MFA code, then serves every later run from the cache', async () => {
    const first = await box.tfmfa([
      'exec',
      'GEHC-056',
      '--mfa-token',
      box.emu.currentCode(SERIAL),
      '--',
      tool.path,
      'plan',
    ]);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(box.emu.count('GetSessionToken'), 1);
    assert.equal(box.emu.count('AssumeRole'), 1);
    const env = last().env;
    assert.match(env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
    assert.ok(env.AWS_SECRET_ACCESS_KEY && env.AWS_SESSION_TOKEN);
    assert.ok(Date.parse(env.AWS_CREDENTIAL_EXPIRATION ?? '') > Date.now() + 50 * 60_000);
    assert.equal(env.AWS_REGION, 'us-west-2');
    assert.equal(env.AWS_DEFAULT_REGION, 'us-west-2');
    assert.equal(env.TFMFA_PROFILE, 'GEHC-056');
    const identity = box.emu.calls().find((c) => c.action === 'AssumeRole');
    assert.equal(identity?.params.RoleArn, ROLE_ARN);
    assert.equal(identity?.params.ExternalId, '111111111111');
    assert.match(identity?.params.RoleSessionName ?? '', /^tfmfa-[\w+=,.@-]+-\d{10}$/);

    for (let i = 0; i < 3; i++) {
      const again = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path, 'plan'], { detached: true });
      assert.equal(again.exitCode, 0, again.stderr);
      assert.equal(last().env.AWS_ACCESS_KEY_ID, env.AWS_ACCESS_KEY_ID);
    }
    assert.equal(box.emu.count(), 2, 'no STS call for cached runs');
  });

  test('the cache holds only temporary credentials, 0600 in 0700, never the long-term secret', () => {
    const sessions = join(box.cacheDir, 'sessions');
    assert.equal(statSync(box.cacheDir).mode & 0o777, 0o700);
    assert.equal(statSync(sessions).mode & 0o777, 0o700);
    const files = readdirSync(sessions);
    assert.ok(files.length >= 2);
    for (const file of files) {
      assert.equal(statSync(join(sessions, file)).mode & 0o777, 0o600);
      const text = readFileSync(join(sessions, file), 'utf8');
      assert.ok(!text.includes(box.user.secretAccessKey), 'long-term secret never cached');
    }
  });

  test('sets and removes exactly the documented variables', async () => {
    const result = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], {
      env: {
        ...box.env,
        AWS_PROFILE: 'x',
        AWS_DEFAULT_PROFILE: 'y',
        AWS_SECURITY_TOKEN: 'old',
        AWS_SESSION_EXPIRATION: 'old',
        AWS_REGION: 'ap-south-1',
        KEEP_ME: 'yes',
      },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const env = last().env;
    for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN', 'AWS_SESSION_EXPIRATION'])
      assert.equal(env[name], undefined, name);
    assert.equal(env.AWS_REGION, 'ap-south-1', 'a region already set wins');
    assert.equal(env.AWS_DEFAULT_REGION, 'ap-south-1');
    assert.equal(env.KEEP_ME, 'yes');
  });

  test('argv reaches the command byte for byte, options may follow the profile', async () => {
    const args = [
      'plan',
      '',
      'with space',
      "quo'te",
      'dq"uote',
      '--',
      '-out=x',
      'ünïcødé',
      '$HOME',
      '*',
      '--mfa-token',
    ];
    const result = await box.tfmfa(['exec', 'GEHC-056', '--session-ttl', '8h', '--', tool.path, ...args]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(last().argv, args);
    const noDashes = await box.tfmfa(['exec', 'GEHC-056', tool.path, '-detailed-exitcode', '--', 'x']);
    assert.equal(noDashes.exitCode, 0, noDashes.stderr);
    assert.deepEqual(last().argv, ['-detailed-exitcode', '--', 'x']);
  });

  test('exit codes 0, 1 and 2 come through; death by signal too; the PID is kept (execve)', async () => {
    for (const code of [0, 1, 2]) {
      const result = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], {
        env: { ...box.env, FAKE_TOOL_EXIT: String(code) },
      });
      assert.equal(result.exitCode, code);
    }
    const child = box.tfmfa(['exec', 'GEHC-056', '--', tool.path], {
      env: { ...box.env, FAKE_TOOL_SIGNAL: 'SIGTERM' },
    });
    const pid = (child as unknown as { pid: number }).pid;
    const killed = await child;
    assert.equal(killed.signal, 'SIGTERM');
    assert.equal(last().pid, pid, 'the command runs in the PID tfmfa had');
  });

  test('nested: the same profile in the environment runs with it untouched, without STS or config', async () => {
    const outer = {
      ...box.env,
      TFMFA_PROFILE: 'GEHC-056',
      AWS_ACCESS_KEY_ID: 'ASIAOUTER',
      AWS_SECRET_ACCESS_KEY: 'outer',
      AWS_SESSION_TOKEN: 'tok',
      AWS_CONFIG_FILE: '/nonexistent',
    };
    const result = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], { env: outer });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(last().env.AWS_ACCESS_KEY_ID, 'ASIAOUTER');
    const viaAwsVault = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], {
      env: { ...outer, TFMFA_PROFILE: '', AWS_VAULT: 'GEHC-056' },
    });
    assert.equal(viaAwsVault.exitCode, 0, viaAwsVault.stderr);
    assert.equal(box.emu.count(), 0);
  });

  test(
    'nested: another profile switches through the MFA session cache, never using the outer ' + 'keys as long-term',
    async () => {
      const outer = {
        ...box.env,
        TFMFA_PROFILE: 'GEHC-056',
        AWS_ACCESS_KEY_ID: 'ASIAOUTER',
        AWS_SECRET_ACCESS_KEY: 'outer',
        AWS_SESSION_TOKEN: 'tok',
      };
      const result = await box.tfmfa(['exec', 'team-b', '--', tool.path], { env: outer, detached: true });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(box.emu.count('GetSessionToken'), 0, 'the cached MFA session serves the new role');
      assert.equal(box.emu.count('AssumeRole'), 1);
      assert.equal(box.emu.calls()[0]?.principal, box.user.arn, 'signed with the MFA session of the user');
      assert.equal(last().env.TFMFA_PROFILE, 'team-b');
      assert.notEqual(last().env.AWS_ACCESS_KEY_ID, 'ASIAOUTER');
    },
  );

  test('role → role chains are assumed hop by hop from the MFA session, without a prompt', async () => {
    const result = await box.tfmfa(['exec', 'team-c', '--', tool.path], { detached: true });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(box.emu.count('GetSessionToken'), 0);
    assert.equal(box.emu.count('AssumeRole'), 1, 'team-b is cached already, only team-c is new');
    assert.equal(last().env.AWS_REGION, 'eu-west-1');
  });

  test('re-assumes a role near expiry from the cached MFA session, without a prompt', async () => {
    const result = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], {
      env: { ...box.env, TFMFA_MIN_TTL: '3599' },
      detached: true,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(box.emu.count('GetSessionToken'), 0);
    assert.equal(box.emu.count('AssumeRole'), 1);
  });

  test('--no-session and roles over an hour assume the role directly with the code', async () => {
    const direct = await box.tfmfa(['exec', '--no-session', 'GEHC-056', '--mfa-token', freshCode(), '--', tool.path], {
      env: { ...box.env, TFMFA_CACHE_DIR: join(box.dir, 'cache2') },
    });
    assert.equal(direct.exitCode, 0, direct.stderr);
    assert.equal(box.emu.count('GetSessionToken'), 0);
    const call = box.emu.calls().find((c) => c.action === 'AssumeRole');
    assert.equal(call?.params.SerialNumber, SERIAL);
    box.emu.resetCounts();
    const long = await box.tfmfa(['exec', 'long', '--mfa-token', freshCode(), '--', tool.path]);
    assert.equal(long.exitCode, 0, long.stderr);
    assert.equal(box.emu.count('GetSessionToken'), 0);
    assert.equal(box.emu.calls()[0]?.params.DurationSeconds, '14400');
    assert.ok(Date.parse(last().env.AWS_CREDENTIAL_EXPIRATION ?? '') > Date.now() + 3.9 * 3600_000);
  });

  test('a wrong --mfa-token is refused by AWS with one clear line and nothing cached', async () => {
    const dir = join(box.dir, 'cache-wrong');
    const result = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', '000000', '--', tool.path], {
      env: { ...box.env, TFMFA_CACHE_DIR: dir },
    });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^tfmfa: AWS rejected the MFA code/);
    assert.ok(!existsSync(join(dir, 'sessions')) || readdirSync(join(dir, 'sessions')).length === 0);
    const malformed = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', '12345', '--', tool.path]);
    assert.equal(malformed.exitCode, 2);
    assert.match(malformed.stderr, /--mfa-token must be the 6-digit code/);
  });

  test('a malformed --mfa-token is one line, exit 2, on the paths that end without a session too', async () => {
    const withSession = { ...box.env, TFMFA_PROFILE: 'GEHC-056', AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'B' };
    const cases: Array<[string[], NodeJS.ProcessEnv]> = [
      // the session is already in the environment: exec would run the command unchanged
      [['exec', 'GEHC-056', '--mfa-token', 'abc', '--', tool.path], withSession],
      // a profile that needs no session: open-session has nothing to open
      [['open-session', 'plain', '--mfa-token', 'abc'], box.env],
      // plain keys: login signs in with GetFederationToken, no session
      [['login', 'plain', '--mfa-token', 'abc', '--stdout'], box.env],
      [['export', 'GEHC-056', '--mfa-token', 'abc'], box.env],
      [['credential-process', 'GEHC-056', '--mfa-token', 'abc'], box.env],
      [['terragrunt-auth', 'GEHC-056', '--mfa-token', 'abc'], box.env],
    ];
    for (const [args, env] of cases) {
      const result = await box.tfmfa(args, { env });
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(
        result.stderr,
        'tfmfa: --mfa-token must be the 6-digit code your MFA device shows now',
        args.join(' '),
      );
      assert.equal(result.stdout, '', args.join(' '));
    }
  });

  test('usage errors: one line, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['exec'], /exec: no profile given/],
      [['exec', '--bogus', 'p'], /exec: Unknown option '--bogus'.*tfmfa exec --help/],
      [['exec', 'nope', '--', 'true'], /profile 'nope' not found/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['exec', 'GEHC-056', '--session-ttl', '99h', '--', 'true'], /--session-ttl must be between 15m and 36h/],
    ];
    for (const [args, pattern] of cases) {
      const result = await box.tfmfa(args);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }
    const missing = await box.tfmfa(['exec', 'GEHC-056', '--', 'no-such-command-xyz']);
    assert.equal(missing.exitCode, 127);
  });

  test('with no command it runs $SHELL', async () => {
    const result = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', freshCode()], {
      env: { ...box.env, SHELL: tool.path },
      detached: true,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(last().argv, []);
    assert.equal(last().env.TFMFA_PROFILE, 'GEHC-056');
  });

  test('--help and --version', async () => {
    const help = await box.tfmfa(['exec', '--help']);
    assert.equal(help.exitCode, 0);
    assert.match(help.stdout, /Usage: tfmfa exec/);
    const version = await box.tfmfa(['--version']);
    assert.match(version.stdout, /^tfmfa \d+\.\d+\.\d+/);
  });

  test(
    'the Debian AWS CLI inside tfmfa exec signs with the injected session and is the assumed role',
    { skip: !existsSync(AWS_CLI) && 'the AWS CLI is not installed' },
    async () => {
      const result = await box.tfmfa(
        [
          'exec',
          'GEHC-056',
          '--',
          AWS_CLI,
          'sts',
          'get-caller-identity',
          '--endpoint-url',
          box.emu.url,
          '--output',
          'json',
        ],
        { detached: true },
      );
      assert.equal(result.exitCode, 0, result.stderr);
      const identity = JSON.parse(result.stdout) as { Arn: string };
      assert.match(identity.Arn, /^arn:aws:sts::111111111111:assumed-role\/hc-master\/tfmfa-/);
    },
  );
  test('a revoked MFA session is dropped and replaced once, with a new code', async () => {
    box.emu.advance(9 * 3600); // the emulator's view: the 8 h MFA session has expired
    const noCode = await box.tfmfa(['exec', 'team-b', '--', tool.path], {
      env: { ...box.env, TFMFA_MIN_TTL: '3599' },
      detached: true,
    });
    assert.equal(noCode.exitCode, 1);
    assert.match(
      noCode.stderr,
      new RegExp(
        String.raw`an MFA code is needed for .* but there is no terminal to ask on and no desktop dialog: run ` +
          String.raw`'tfmfa open-session team-b' in a terminal first .*, pass --mfa-token CODE, or set mfa_process`,
      ),
    );
    assert.equal(noCode.stderr.trim().split('\n').length, 1, 'one line');
    const withCode = await box.tfmfa(['exec', 'team-b', '--mfa-token', freshCode(), '--', tool.path], {
      env: { ...box.env, TFMFA_MIN_TTL: '3599' },
    });
    assert.equal(withCode.exitCode, 0, withCode.stderr);
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });
});

describe('tfmfa exec: the debug log', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox({ extraConfig: '' });
  });
  after(() => box.cleanup());

  test("names the AWS CLI's subcommand after its global options, not a flag", async () => {
    const aws = createFakeTool(join(box.dir, 'aws-bin'), 'aws');
    const args = [
      'exec',
      'GEHC-056',
      '--mfa-token',
      box.emu.currentCode(SERIAL),
      '--',
      aws.path,
      '--profile',
      'team-b',
      '--region=eu-west-1',
      'sts',
      'get-caller-identity',
    ];
    const result = await box.tfmfa(args, { env: { ...box.env, TFMFA_DEBUG: '1' } });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /static keys: 'aws sts' is not a long run/);
    assert.doesNotMatch(result.stderr, /'aws --profile'/);
  });
});
