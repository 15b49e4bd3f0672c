import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { federatedUserName } from '../../src/login/federation-token.ts';
import {
  checkUrl,
  defaultDestination,
  defaultFederationUrl,
  loginUrl,
  partitionOf,
} from '../../src/login/federation.ts';
import { SessionCache } from '../../src/store/session-cache.ts';
import { createSandbox, SERIAL, type Sandbox } from '../support/sandbox.ts';

describe('tfmfa login', () => {
  let box: Sandbox;
  let federation: string;
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };
  const secrets = () => [
    box.user.secretAccessKey,
    ...new SessionCache(box.cacheDir).list().flatMap((e) => [e.secretAccessKey, e.sessionToken]),
  ];
  const signinCalls = () => box.emu.calls().filter((c) => c.action === 'getSigninToken');
  /** The sign-in URL's parts; its token must be one the emulator's federation endpoint issued. */
  function parseLoginUrl(text: string): URLSearchParams {
    const url = new URL(text.trim());
    assert.equal(`${url.origin}${url.pathname}`, federation);
    const params = url.searchParams;
    assert.deepEqual([...params.keys()], ['Action', 'Issuer', 'Destination', 'SigninToken']);
    assert.equal(params.get('Action'), 'login');
    assert.equal(params.get('Issuer'), 'tfmfa');
    return params;
  }

  before(async () => {
    box = await createSandbox({ extraConfig: `[profile me]\nmfa_serial = ${SERIAL}\nregion = eu-central-1\n` });
    federation = `${box.emu.url}/federation`;
    // A second IAM-user profile with its own keys (the same user's) and an MFA device but no role.
    appendFileSync(
      join(box.home, '.aws', 'credentials'),
      `[me]\naws_access_key_id = ${box.user.accessKeyId}\naws_secret_access_key = ${box.user.secretAccessKey}\n`,
    );
  });
  after(() => box.cleanup());
  beforeEach(() => box.emu.resetCounts());

  test('--help', async () => {
    const result = await box.tfmfa(['login', '--help']);
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /^Usage: tfmfa login \[options\] \[PROFILE\]/);
    assert.match(result.stdout, /--stdout/);
    assert.match(result.stdout, /--federation-url URL/);
  });

  test('a role profile: the role session goes to getSigninToken, the URL goes to stdout only', async () => {
    const result = await box.tfmfa([
      'login',
      'GEHC-056',
      '--stdout',
      '--federation-url',
      federation,
      '--mfa-token',
      freshCode(),
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout.split('\n').length, 1, 'one line');
    const params = parseLoginUrl(result.stdout);
    assert.equal(params.get('Destination'), 'https://console.aws.amazon.com/console/home?region=us-west-2');
    assert.match(
      box.emu.signinTokenPrincipal(params.get('SigninToken') ?? '') ?? '',
      /^arn:aws:sts::111111111111:assumed-role\/hc-master\/tfmfa-/,
    );
    assert.equal(box.emu.count('GetFederationToken'), 0);
    assert.equal(signinCalls().length, 1);
    assert.deepEqual(signinCalls()[0]?.params, { Action: 'getSigninToken' }, 'no SessionDuration unless asked for');
    for (const secret of secrets()) assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret));
  });

  test('the cached role session is reused; --duration and --destination are passed on', async () => {
    const result = await box.tfmfa(
      [
        'login',
        'GEHC-056',
        '--stdout',
        '--duration',
        '2h',
        '--destination',
        'https://console.aws.amazon.com/s3/home?region=us-east-1',
      ],
      {
        env: { ...box.env, TFMFA_FEDERATION_URL: federation },
        detached: true,
      },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(box.emu.count('AssumeRole') + box.emu.count('GetSessionToken'), 0, 'from the cache');
    assert.equal(
      parseLoginUrl(result.stdout).get('Destination'),
      'https://console.aws.amazon.com/s3/home?region=us-east-1',
    );
    assert.equal(signinCalls()[0]?.params.SessionDuration, '7200');
  });

  test(
    "plain IAM user keys: GetFederationToken first, with a policy that keeps the user's own " + 'permissions',
    async () => {
      const result = await box.tfmfa(['login', 'GEHC-000', '--stdout', '--federation-url', federation], {
        detached: true,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      const call = box.emu.calls().find((c) => c.action === 'GetFederationToken');
      assert.equal(call?.ok, true);
      assert.equal(call?.accessKeyId, box.user.accessKeyId, 'signed with the long-term keys');
      assert.equal(call?.params.DurationSeconds, '3600');
      assert.match(call?.params.Name ?? '', /^tfmfa-[\w+=,.@-]{1,26}$/);
      assert.deepEqual(JSON.parse(call?.params.Policy ?? '{}'), {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      });
      const params = parseLoginUrl(result.stdout);
      assert.match(
        box.emu.signinTokenPrincipal(params.get('SigninToken') ?? '') ?? '',
        /^arn:aws:sts::222222222222:federated-user\/tfmfa-/,
      );
      assert.deepEqual(
        signinCalls()[0]?.params,
        { Action: 'getSigninToken' },
        'the federated credentials carry the console session length',
      );
      assert.ok(!result.stdout.includes(box.user.secretAccessKey));

      const longer = await box.tfmfa(
        ['login', 'GEHC-000', '--stdout', '--federation-url', federation, '--duration', '90m'],
        { detached: true },
      );
      assert.equal(longer.exitCode, 0, longer.stderr);
      assert.equal(
        box.emu
          .calls()
          .filter((c) => c.action === 'GetFederationToken')
          .at(-1)?.params.DurationSeconds,
        '5400',
      );
    },
  );

  test(
    'user keys with an MFA device but no role: no code asked, a warning that the console ' + 'session has no MFA',
    async () => {
      const result = await box.tfmfa(['login', 'me', '--stdout', '--federation-url', federation], { detached: true });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(box.emu.count('GetSessionToken'), 0);
      assert.equal(box.emu.count('GetFederationToken'), 1);
      assert.match(
        result.stderr,
        /^tfmfa: warning: profile 'me' has no role: .*GetFederationToken, which cannot carry MFA/,
      );
      assert.equal(
        parseLoginUrl(result.stdout).get('Destination'),
        'https://console.aws.amazon.com/console/home?region=eu-central-1',
      );
    },
  );

  test('without --stdout: the browser ($BROWSER) gets the URL, the terminal does not', async () => {
    const record = join(box.dir, 'browser-args');
    const browser = join(box.dir, 'fake-browser');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(record)}\n`);
    chmodSync(browser, 0o755);
    const result = await box.tfmfa(['login', 'GEHC-056', '--federation-url', federation], {
      env: { ...box.env, BROWSER: browser },
      detached: true,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `tfmfa: opened the AWS console for 'GEHC-056' with ${browser}`);
    for (let i = 0; i < 50 && !existsSync(record); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const args = readFileSync(record, 'utf8').trim().split('\n');
    assert.equal(args.length, 1);
    assert.ok(parseLoginUrl(args[0] as string).get('SigninToken'));
    rmSync(record);

    const missing = await box.tfmfa(['login', 'GEHC-056', '--federation-url', federation], {
      env: { ...box.env, BROWSER: join(box.dir, 'no-such-browser') },
      detached: true,
    });
    assert.equal(missing.exitCode, 1);
    assert.match(
      missing.stderr,
      /^tfmfa: cannot open a browser: .*no-such-browser was not found: set BROWSER .* or run with --stdout[^\n]*$/,
    );
    assert.doesNotMatch(missing.stderr, /SigninToken|federation\?/);
  });

  test('a refusal by the federation endpoint is one line without the credentials or the request', async () => {
    box.emu.injectFault({
      action: 'getSigninToken',
      times: 1,
      kind: 'status',
      status: 400,
      code: 'InvalidCredentials',
      message: 'The security token included in the request is expired',
    });
    const result = await box.tfmfa(['login', 'GEHC-056', '--stdout', '--federation-url', federation], {
      detached: true,
    });
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      new RegExp(
        `^tfmfa: the AWS federation endpoint ${federation} refused the sign-in \\(HTTP 400\\): the credentials ` +
          `have expired: run 'tfmfa clear PROFILE' and try again$`,
      ),
    );
    for (const secret of secrets()) assert.ok(!result.stderr.includes(secret));

    const unreachable = await box.tfmfa(
      ['login', 'GEHC-056', '--stdout', '--federation-url', 'http://127.0.0.1:1/federation'],
      { detached: true },
    );
    assert.equal(unreachable.exitCode, 1);
    assert.match(
      unreachable.stderr,
      new RegExp(
        String.raw`^tfmfa: cannot reach the AWS federation endpoint http:\/\/127\.0\.0\.1:1\/federation ` +
          String.raw`\([^)]*\): check the network[^\n]*$`,
      ),
    );
  });

  test('bad input: one line, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['login', 'GEHC-05', '--stdout'],
        /^tfmfa: login: profile 'GEHC-05' not found: did you mean 'GEHC-056', 'GEHC-000'\?$/,
      ],
      // Without PROFILE: the shims' profile order (AWS_PROFILE, AWS_DEFAULT_PROFILE, TFMFA_DEFAULT_PROFILE, default).
      [['login'], /^tfmfa: login: profile 'default' not found: /],
      [['login', 'GEHC-056', 'extra'], /^tfmfa: login: unexpected argument 'extra'/],
      [['login', 'GEHC-056', '--duration', '5m'], /^tfmfa: --duration must be between 15m and 12h/],
      [
        ['login', 'GEHC-056', '--duration', 'soon'],
        /^tfmfa: --duration must be a duration like 3600, 90m or 8h, got 'soon'$/,
      ],
      [
        ['login', 'GEHC-056', '--federation-url', 'signin.aws.amazon.com'],
        /^tfmfa: --federation-url 'signin\.aws\.amazon\.com' is not a URL/,
      ],
      [
        ['login', 'GEHC-056', '--federation-url', `${box?.emu.url ?? 'http://x'}/federation?Action=x`],
        /must not have a query or fragment/,
      ],
      [
        ['login', 'GEHC-056', '--destination', 'file:///etc/passwd'],
        /^tfmfa: --destination 'file:\/\/\/etc\/passwd' must be an https:\/\/ URL$/,
      ],
      [['login', 'plain', '--stdout'], /^tfmfa: profile 'plain' has no credentials/],
      [['login', 'GEHC-056', '--stdot'], /^tfmfa: login: Unknown option '--stdot'/],
    ];
    for (const [args, message] of cases) {
      const result = await box.tfmfa(args, { detached: true });
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stderr.split('\n').length, 1, args.join(' '));
    }
    // The same order as a shim: TFMFA_DEFAULT_PROFILE counts when AWS_PROFILE and AWS_DEFAULT_PROFILE are unset.
    const fallback = await box.tfmfa(['login', '--stdout'], {
      detached: true,
      env: { ...box.env, TFMFA_DEFAULT_PROFILE: 'GEHC-05' },
    });
    assert.match(fallback.stderr, /^tfmfa: login: profile 'GEHC-05' not found: did you mean 'GEHC-056'/);
    assert.equal(box.emu.count(), 0, 'nothing reached STS');
  });
});

describe('login helpers', () => {
  test('partitions and their default endpoints', () => {
    assert.equal(partitionOf('arn:aws:iam::111111111111:role/x', 'cn-north-1'), 'aws');
    assert.equal(partitionOf('arn:aws-cn:iam::111111111111:role/x', undefined), 'aws-cn');
    assert.equal(partitionOf('arn:aws-us-gov:iam::111111111111:role/x', undefined), 'aws-us-gov');
    assert.equal(partitionOf(undefined, 'us-gov-west-1'), 'aws-us-gov');
    assert.equal(partitionOf(undefined, 'cn-northwest-1'), 'aws-cn');
    assert.equal(partitionOf(undefined, undefined), 'aws');
    assert.equal(defaultFederationUrl('aws'), 'https://signin.aws.amazon.com/federation');
    assert.equal(defaultFederationUrl('aws-us-gov'), 'https://signin.amazonaws-us-gov.com/federation');
    assert.equal(defaultFederationUrl('aws-cn'), 'https://signin.amazonaws.cn/federation');
    assert.equal(defaultDestination('aws', undefined), 'https://console.aws.amazon.com/');
    assert.equal(
      defaultDestination('aws-cn', 'cn-north-1'),
      'https://console.amazonaws.cn/console/home?region=cn-north-1',
    );
  });

  test('the login URL encodes every parameter', () => {
    const url = new URL(
      loginUrl(
        'https://signin.aws.amazon.com/federation',
        'a+b/c=&d',
        'https://console.aws.amazon.com/s3/?region=x&y=1',
      ),
    );
    assert.equal(url.searchParams.get('SigninToken'), 'a+b/c=&d');
    assert.equal(url.searchParams.get('Destination'), 'https://console.aws.amazon.com/s3/?region=x&y=1');
    assert.equal(url.searchParams.get('Issuer'), 'tfmfa');
  });

  test('federated user names fit GetFederationToken (2-32 of [\\w+=,.@-])', () => {
    assert.equal(federatedUserName('alice'), 'tfmfa-alice');
    assert.match(federatedUserName('a very long user name with spaces and ünïcode'), /^tfmfa-[\w+=,.@-]{1,26}$/);
    assert.ok(federatedUserName('x'.repeat(100)).length <= 32);
    assert.equal(federatedUserName(''), 'tfmfa-user');
  });

  test('URLs with credentials in them are refused', () => {
    assert.throws(
      () => checkUrl('--federation-url', 'https://user:pw@signin.aws.amazon.com/federation'),
      /must not contain a user name or password/,
    );
    assert.equal(
      checkUrl('--federation-url', 'https://signin.aws.amazon.com/federation'),
      'https://signin.aws.amazon.com/federation',
    );
  });
});
