import { readSettings } from '../../src/environment/settings.ts';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { checkRequest, isLoopbackAddress, newToken, tokenMatches } from '../../src/server/auth.ts';
import { SERVER_UNSET } from '../../src/environment/changes.ts';
import { containerCredentials, startCredentialServer } from '../../src/server/credential-server.ts';
import { credentialSupplier, explain, serverRequest, withoutMfaCode } from '../../src/server/renewal.ts';
import { SERVER_FLOOR_SECONDS } from '../../src/session/margin.ts';
import { UserError } from '../../src/errors.ts';
import { checkMfaCodeFlag } from '../../src/mfa/flag.ts';
import type { ProfileSession } from '../../src/session/profile-session.ts';
import { createFakeTool, readRecords, type FakeToolRecord } from '../support/fake-tool.ts';
import { portRefuses } from '../support/ports.ts';
import { spawnInPty } from '../support/pty.ts';
import { CLI, createSandbox, ROLE_B, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';

const AWS_CLI = '/usr/bin/aws';
const PROMPT = `Enter MFA code for ${SERIAL}:`;

/**
 * ES module prelude for fake tools: `call(options)` talks to the credential server named in the environment the
 * child was given, with any Host, token, method, path or address; `report(value)` prints one RESULT line.
 */
const CLIENT = String.raw`
import http from 'node:http';
const target = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
const TOKEN = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
function call(o = {}) {
  return new Promise((resolve) => {
    const headers = { Host: o.host ?? target.host };
    const token = o.token === undefined ? TOKEN : o.token;
    if (token !== null) headers.Authorization = token;
    const req = http.request({
      host: o.address ?? target.hostname,
      port: target.port,
      method: o.method ?? 'GET',
      path: o.path ?? target.pathname,
      headers,
      agent: false,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(body); } catch {}
        resolve({ status: res.statusCode, type: res.headers['content-type'], json });
      });
    });
    req.on('error', (e) => resolve({ status: 0, error: e.code }));
    req.end();
  });
}
function report(value) { process.stdout.write('RESULT ' + JSON.stringify(value) + '\n'); }
`;

interface CallResult {
  status: number;
  type?: string;
  error?: string;
  json: Record<string, string> | null;
}

function resultOf<T>(stdout: string): T {
  const match = /RESULT (.*)$/m.exec(stdout);
  assert.ok(match, `no RESULT line in ${JSON.stringify(stdout)}`);
  return JSON.parse(match[1] as string) as T;
}

function creds(id: string, expiration?: Date) {
  return {
    accessKeyId: id,
    secretAccessKey: `secret-${id}`,
    sessionToken: `token-${id}`,
    ...(expiration ? { expiration } : {}),
  };
}

describe('credential server building blocks', () => {
  test('tokens carry 256 random bits and compare in constant time whatever their length', () => {
    const token = newToken();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.notEqual(newToken(), token);
    assert.ok(tokenMatches(token, token));
    assert.ok(!tokenMatches(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`));
    assert.ok(!tokenMatches(token, token.slice(0, 10)));
    assert.ok(!tokenMatches(token, `${token}x`));
    assert.ok(!tokenMatches(token, ''));
  });

  test('only loopback peers', () => {
    for (const address of ['127.0.0.1', '127.3.2.1', '::ffff:127.0.0.1', '::1'])
      assert.ok(isLoopbackAddress(address), address);
    for (const address of [undefined, '', '10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1', '::'])
      assert.ok(!isLoopbackAddress(address), String(address));
  });

  test('request checks: peer, Host, token, then GET on the one path', () => {
    const expected = { port: 4321, path: '/credentials', token: 'sekrit-token' };
    const good = {
      remoteAddress: '127.0.0.1',
      host: '127.0.0.1:4321',
      authorization: 'sekrit-token',
      method: 'GET',
      url: '/credentials',
    };
    assert.deepEqual(checkRequest(good, expected), { ok: true });
    const status = (change: Partial<typeof good> & Record<string, unknown>) => {
      const verdict = checkRequest({ ...good, ...change }, expected);
      return verdict.ok ? 200 : verdict.status;
    };
    assert.equal(status({ remoteAddress: '192.168.1.10' }), 403);
    assert.equal(status({ remoteAddress: undefined }), 403);
    assert.equal(status({ host: 'localhost:4321' }), 403);
    assert.equal(status({ host: 'attacker.example:4321' }), 403);
    assert.equal(status({ host: '127.0.0.1' }), 403);
    assert.equal(status({ host: '127.0.0.1:4322' }), 403);
    assert.equal(status({ host: undefined }), 403);
    assert.equal(status({ authorization: undefined }), 401);
    assert.equal(status({ authorization: '' }), 401);
    assert.equal(status({ authorization: 'sekrit-tokem' }), 403);
    assert.equal(status({ authorization: 'Bearer sekrit-token' }), 403);
    assert.equal(status({ url: '/credentials/' }), 404);
    assert.equal(status({ url: '/credentials?x=1' }), 404);
    assert.equal(status({ method: 'POST' }), 405);
    assert.equal(status({ method: 'HEAD' }), 405);
    // A wrong token is refused before anything about paths or methods is revealed.
    assert.equal(status({ authorization: 'nope', url: '/elsewhere', method: 'PUT' }), 403);
    const refused = checkRequest({ ...good, authorization: 'a-guess' }, expected);
    assert.ok(!refused.ok && !refused.reason.includes('a-guess') && !refused.reason.includes('sekrit'));
  });

  test('the ECS answer: four strings, ISO 8601 expiry; long-term keys get an empty token and a 1 h expiry', () => {
    const expiration = new Date('2030-01-02T03:04:05.000Z');
    assert.deepEqual(containerCredentials(creds('ASIA1', expiration)), {
      AccessKeyId: 'ASIA1',
      SecretAccessKey: 'secret-ASIA1',
      Token: 'token-ASIA1',
      Expiration: '2030-01-02T03:04:05.000Z',
    });
    const now = Date.parse('2030-01-01T00:00:00Z');
    assert.deepEqual(containerCredentials({ accessKeyId: 'AKIA1', secretAccessKey: 's' }, now), {
      AccessKeyId: 'AKIA1',
      SecretAccessKey: 's',
      Token: '',
      Expiration: '2030-01-01T01:00:00.000Z',
    });
  });

  test('served credentials keep at least 16 minutes; --mfa-token is dropped after the first resolution', () => {
    assert.equal(serverRequest({ profile: 'p', settings: readSettings({}) }).minTtlFloor, SERVER_FLOOR_SECONDS);
    assert.equal(SERVER_FLOOR_SECONDS, 16 * 60, "outside botocore's 15-minute advisory refresh window");
    const later = withoutMfaCode({
      profile: 'p',
      settings: readSettings({}),
      mfaCode: checkMfaCodeFlag('123456'),
      useSession: false,
    });
    assert.ok(!('mfaCode' in later));
    assert.equal(later.useSession, false);
  });

  test('concurrent requests share one resolution; failures are logged once and explained', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    let fail: Error | undefined;
    const seen: Array<string | undefined> = [];
    const lines: string[] = [];
    const supply = credentialSupplier(
      { profile: 'prod', settings: readSettings({}), mfaCode: checkMfaCodeFlag('123456') },
      {
        log: (line) => lines.push(line),
        resolve: async (request) => {
          calls++;
          seen.push(request.mfaCode);
          await new Promise<void>((resolve) => (release = resolve));
          if (fail) throw fail;
          return { credentials: creds(`ASIA${calls}`) } as unknown as ProfileSession;
        },
      },
    );
    const burst = [supply(), supply(), supply()];
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const got = await Promise.all(burst);
    assert.equal(calls, 1);
    assert.deepEqual(
      got.map((c) => c.accessKeyId),
      ['ASIA1', 'ASIA1', 'ASIA1'],
    );
    assert.deepEqual(seen, [undefined], 'the one-time code is never reused');

    fail = new UserError(
      `an MFA code is needed for ${SERIAL} (profile 'prod') but there is no terminal to ask on: pass ` +
        `--mfa-token CODE, set mfa_process in the profile, or run from a terminal`,
    );
    for (let i = 0; i < 3; i++) {
      const attempt = supply();
      await new Promise((resolve) => setImmediate(resolve));
      release();
      await assert.rejects(
        attempt,
        /MFA session for profile 'prod' has expired .* run 'tfmfa open-session prod' in a terminal/,
      );
    }
    assert.equal(lines.length, 1, 'one line for repeated identical failures');
    assert.doesNotMatch(lines[0] ?? '', /--mfa-token/);
    assert.match(explain(new Error('boom'), 'prod').message, /^cannot renew the credentials of profile 'prod': boom$/);
  });

  test('the endpoint listens on 127.0.0.1 only and answers JSON; errors are HTTP 500 with a message', async () => {
    let next: () => Promise<ReturnType<typeof creds>> = async () => creds('ASIAX', new Date(Date.now() + 3600_000));
    const server = await startCredentialServer({ token: 'tok', credentials: () => next() });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
      const ok = await fetch(server.url, { headers: { Authorization: 'tok' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('content-type'), 'application/json');
      assert.deepEqual(Object.keys((await ok.json()) as object).sort(), [
        'AccessKeyId',
        'Expiration',
        'SecretAccessKey',
        'Token',
      ]);
      assert.equal((await fetch(server.url)).status, 401);
      assert.equal((await fetch(server.url, { headers: { Authorization: 'tok2' } })).status, 403);
      next = async () => {
        throw new UserError('do this');
      };
      const failed = await fetch(server.url, { headers: { Authorization: 'tok' } });
      assert.equal(failed.status, 500);
      assert.deepEqual(await failed.json(), { code: 'CredentialsUnavailable', message: 'do this' });
      const elsewhere = await fetch(server.url.replace('127.0.0.1', '127.0.0.2'), {
        headers: { Authorization: 'tok' },
      }).then(
        () => 'answered',
        () => 'refused',
      );
      assert.equal(elsewhere, 'refused', 'not bound beyond 127.0.0.1');
    } finally {
      await server.close();
    }
    assert.ok(await portRefuses(server.port));
  });
});

describe('tfmfa exec --server', () => {
  let box: Sandbox;
  let bin: string;
  const stderrs: string[] = [];
  const run = async (args: string[], options: Parameters<Sandbox['tfmfa']>[1] = {}) => {
    const subprocess = box.tfmfa(['exec', '--server', ...args], { detached: true, ...options });
    const pid = (subprocess as unknown as { pid: number }).pid;
    const result = await subprocess;
    stderrs.push(String(result.stderr));
    return Object.assign(result, { pid });
  };
  const tool = (name: string, runScript?: string) =>
    createFakeTool(bin, name, runScript ? { runScript: CLIENT + runScript } : {});
  const lastRecord = (t: { recordsFile: string }): FakeToolRecord => readRecords(t.recordsFile).at(-1)!;
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };

  before(async () => {
    box = await createSandbox({ extraConfig: '' });
    bin = join(box.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    // An MFA session in the shared cache, so that no test below needs a code unless it wants one.
    const primed = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', freshCode(), '--', '/bin/true'], {
      detached: true,
    });
    assert.equal(primed.exitCode, 0, String(primed.stderr));
  });
  after(async () => {
    const secrets = [box.user.secretAccessKey];
    for (const text of stderrs)
      for (const secret of secrets) assert.ok(!text.includes(secret), 'no long-term secret on stderr');
    await box.cleanup();
  });
  beforeEach(() => box.emu.resetCounts());

  test('the child gets the endpoint and a token instead of keys; its first fetch comes from the cache', async () => {
    const t = tool('terraform', `report(await call());`);
    const result = await run(['GEHC-056', '--mfa-token', freshCode(), '--', t.path, 'apply'], {
      env: {
        ...box.env,
        TFMFA_DEBUG: '1',
        TFMFA_CACHE_DIR: join(box.dir, 'cache-first'),
        AWS_PROFILE: 'x',
        AWS_DEFAULT_PROFILE: 'y',
        AWS_ACCESS_KEY_ID: 'AKIAOLD',
        AWS_SECRET_ACCESS_KEY: 'old',
        AWS_SESSION_TOKEN: 'old',
        AWS_SECURITY_TOKEN: 'old',
        AWS_SESSION_EXPIRATION: 'old',
        AWS_CREDENTIAL_EXPIRATION: 'old',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds',
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/elsewhere',
        KEEP_ME: 'yes',
      },
    });
    assert.equal(result.exitCode, 0, String(result.stderr));
    const record = lastRecord(t);
    const env = record.env;
    assert.deepEqual(record.argv, ['apply']);
    assert.equal(record.ppid, result.pid, 'tfmfa stays the parent');
    assert.match(env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '', /^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
    const token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '';
    assert.ok(Buffer.from(token, 'base64url').length >= 32, 'at least 256 random bits');
    for (const name of SERVER_UNSET) assert.equal(env[name], undefined, name);
    assert.equal(env.TFMFA_PROFILE, 'GEHC-056');
    assert.equal(env.AWS_REGION, 'us-west-2');
    assert.equal(env.AWS_DEFAULT_REGION, 'us-west-2');
    assert.equal(env.KEEP_ME, 'yes');

    const answer = resultOf<CallResult>(String(result.stdout));
    assert.equal(answer.status, 200);
    assert.equal(answer.type, 'application/json');
    const json = answer.json!;
    assert.deepEqual(Object.keys(json).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'Token']);
    assert.match(json.AccessKeyId ?? '', /^ASIA/);
    assert.ok(json.SecretAccessKey && json.Token);
    assert.match(json.Expiration ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(Date.parse(json.Expiration ?? '') > Date.now() + 50 * 60_000);
    assert.equal(box.emu.count('GetSessionToken'), 1);
    assert.equal(box.emu.count('AssumeRole'), 1, 'the fetch was served from the cache the first resolution filled');

    assert.match(String(result.stderr), /credential server listening/, 'debug log on');
    for (const secret of [token, json.SecretAccessKey!, json.Token!, json.AccessKeyId!])
      assert.ok(!String(result.stderr).includes(secret), 'no secret on stderr');
    const port = Number(new URL(env.AWS_CONTAINER_CREDENTIALS_FULL_URI!).port);
    assert.ok(await portRefuses(port), 'the server is closed once the command has exited');
  });

  test(
    'missing and wrong tokens, foreign Host headers, other methods and paths are refused; only ' + '127.0.0.1 answers',
    async () => {
      const t = tool(
        'probe',
        String.raw`
      const wrongSameLength = TOKEN.slice(0, -1) + (TOKEN.endsWith('A') ? 'B' : 'A');
      report({
        good: await call(),
        noToken: await call({ token: null }),
        emptyToken: await call({ token: '' }),
        wrongToken: await call({ token: wrongSameLength }),
        shortToken: await call({ token: TOKEN.slice(0, 8) }),
        bearer: await call({ token: 'Bearer ' + TOKEN }),
        rebound: await call({ host: 'attacker.example:' + target.port }),
        localhostName: await call({ host: 'localhost:' + target.port }),
        otherPort: await call({ host: '127.0.0.1:1' }),
        post: await call({ method: 'POST' }),
        otherPath: await call({ path: '/' }),
        query: await call({ path: target.pathname + '?x=1' }),
        otherLoopback: await call({ address: '127.0.0.2', host: '127.0.0.2:' + target.port }),
      });
    `,
      );
      const result = await run(['GEHC-056', '--', t.path]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      const r = resultOf<Record<string, CallResult>>(String(result.stdout));
      assert.equal(r.good?.status, 200);
      assert.equal(r.noToken?.status, 401);
      assert.equal(r.emptyToken?.status, 401);
      for (const name of ['wrongToken', 'shortToken', 'bearer', 'rebound', 'localhostName', 'otherPort']) {
        assert.equal(r[name]?.status, 403, name);
        assert.equal(r[name]?.json?.AccessKeyId, undefined, name);
      }
      assert.equal(r.post?.status, 405);
      assert.equal(r.otherPath?.status, 404);
      assert.equal(r.query?.status, 404);
      assert.equal(r.otherLoopback?.error, 'ECONNREFUSED', 'bound to 127.0.0.1 only');
      assert.equal(box.emu.count(), 0, 'refused requests never reach STS');
    },
  );

  test(
    'the Debian AWS CLI fetches twice across a renewal: new keys each time, no prompt, no new MFA session',
    { skip: !existsSync(AWS_CLI) && 'no /usr/bin/aws' },
    async () => {
      const call = `${AWS_CLI} sts get-caller-identity --endpoint-url ${box.emu.url} --output json`;
      const result = await run(['GEHC-056', '--', '/bin/sh', '-c', `${call} && ${call}`], {
        env: { ...box.env, TFMFA_MIN_TTL: '7200' },
      });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal((String(result.stdout).match(/assumed-role\/hc-master\//g) ?? []).length, 2, String(result.stdout));
      const identities = box.emu.calls().filter((c) => c.action === 'GetCallerIdentity');
      assert.equal(identities.length, 2);
      assert.ok(identities.every((c) => c.ok && /assumed-role\/hc-master/.test(c.principal ?? '')));
      assert.notEqual(identities[0]?.accessKeyId, identities[1]?.accessKeyId, 'the second fetch got renewed keys');
      assert.equal(box.emu.count('GetSessionToken'), 0, 'renewed from the cached MFA session');
      assert.ok(box.emu.count('AssumeRole') >= 3, 'first resolution, then one renewal per fetch');
      assert.doesNotMatch(String(result.stderr), /Enter MFA code/);
    },
  );

  test('a JS SDK v3 script on the default chain fetches twice across a renewal: new keys, no prompt', async () => {
    const script = join(box.dir, 'sdk-child.mjs');
    writeFileSync(
      script,
      `
import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const seen = [];
for (let i = 0; i < 2; i++) {
  const client = new STSClient({ endpoint: process.argv[2] });
  const identity = await client.send(new GetCallerIdentityCommand({}));
  const used = await client.config.credentials();
  seen.push({ arn: identity.Arn, accessKeyId: used.accessKeyId, expiration: used.expiration?.toISOString() });
  client.destroy();
}
process.stdout.write('RESULT ' + JSON.stringify(seen) + '\\n');
`,
    );
    const result = await run(['GEHC-056', '--', process.execPath, script, box.emu.url], {
      env: { ...box.env, TFMFA_MIN_TTL: '7200' },
    });
    assert.equal(result.exitCode, 0, String(result.stderr));
    const seen = resultOf<Array<{ arn: string; accessKeyId: string; expiration: string }>>(String(result.stdout));
    assert.equal(seen.length, 2);
    for (const s of seen) {
      assert.match(s.arn, /assumed-role\/hc-master\//);
      assert.ok(Date.parse(s.expiration) > Date.now() + 50 * 60_000);
    }
    assert.notEqual(seen[0]?.accessKeyId, seen[1]?.accessKeyId, 'the second fetch got renewed keys');
    const identities = box.emu.calls().filter((c) => c.action === 'GetCallerIdentity');
    assert.deepEqual(
      identities.map((c) => c.accessKeyId),
      seen.map((s) => s.accessKeyId),
    );
    assert.equal(box.emu.count('GetSessionToken'), 0);
    assert.ok(box.emu.count('AssumeRole') >= 3);
  });

  test('a burst of parallel fetches is served, one resolution at a time', async () => {
    const t = tool('burst', `report(await Promise.all(Array.from({ length: 8 }, () => call())));`);
    const result = await run(['GEHC-056', '--', t.path], { env: { ...box.env, TFMFA_MIN_TTL: '7200' } });
    assert.equal(result.exitCode, 0, String(result.stderr));
    const answers = resultOf<CallResult[]>(String(result.stdout));
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(8).fill(200),
    );
    assert.equal(box.emu.count('GetSessionToken'), 0);
    assert.ok(box.emu.count('AssumeRole') <= 9, 'never more than one renewal per request');
    assert.ok(
      box.emu.calls().every((c) => c.ok),
      'no failed STS call from racing renewals',
    );
  });

  test('exit codes 0, 1 and 2 come through, and death by signal', async () => {
    const t = tool('exiter');
    for (const code of [0, 1, 2]) {
      const result = await run(['GEHC-056', '--', t.path], { env: { ...box.env, FAKE_TOOL_EXIT: String(code) } });
      assert.equal(result.exitCode, code, String(result.stderr));
      assert.equal(result.signal, undefined);
    }
    const killed = await run(['GEHC-056', '--', t.path], { env: { ...box.env, FAKE_TOOL_SIGNAL: 'SIGTERM' } });
    assert.equal(killed.signal, 'SIGTERM');
    assert.equal(lastRecord(t).ppid, killed.pid);
  });

  test(
    'SIGTERM and SIGHUP sent to tfmfa reach the command; a SIGINT sent to tfmfa alone is not ' + 'passed on',
    async () => {
      const t = tool('waiter');
      const env = { ...box.env, FAKE_TOOL_WAIT_SIGINT: '1' };
      for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
        const child = startTfmfa(['exec', '--server', 'GEHC-056', '--', t.path], env);
        await child.ready;
        child.process.kill(signal);
        const status = await child.exited;
        assert.deepEqual(status, { code: null, signal }, child.stderr());
      }
      const child = startTfmfa(['exec', '--server', 'GEHC-056', '--', t.path], env);
      await child.ready;
      child.process.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal(readRecords(t.recordsFile).length, 0, 'the command never saw a SIGINT');
      child.process.kill('SIGTERM');
      assert.deepEqual(await child.exited, { code: null, signal: 'SIGTERM' }, 'tfmfa survived the SIGINT');
    },
  );

  test('Ctrl-C in a terminal reaches the command exactly once', async () => {
    const t = tool('terraform-ctrl-c');
    const pty = spawnInPty(process.execPath, [CLI, 'exec', '--server', 'GEHC-056', '--', t.path], {
      env: { ...box.env, FAKE_TOOL_WAIT_SIGINT: '1' },
    });
    let status;
    try {
      await pty.waitFor('READY');
      pty.write('\x03');
      status = await pty.exited;
    } finally {
      pty.kill();
    }
    assert.deepEqual(status, { code: 130, signal: null }, pty.output());
    assert.equal(lastRecord(t).sigints, 1);
  });

  test('a command that cannot be started: exit 127 with one line', async () => {
    const result = await run(['GEHC-056', '--', join(box.dir, 'does-not-exist')]);
    assert.equal(result.exitCode, 127);
    assert.match(String(result.stderr), /^tfmfa: cannot run .*does-not-exist: no such file\n?$/);
  });

  test(
    'a default profile with credentials of its own is pointed out (SDKs rank it ahead of the ' + 'endpoint)',
    async () => {
      const config = join(box.dir, 'config-with-default');
      writeFileSync(
        config,
        `${readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8')}\n[default]\nsource_profile = ` +
          `GEHC-000\nrole_arn = ${ROLE_B}\nmfa_serial = ${SERIAL}\n`,
      );
      const result = await run(['GEHC-056', '--', '/bin/true'], { env: { ...box.env, AWS_CONFIG_FILE: config } });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.match(
        String(result.stderr),
        new RegExp(
          String.raw`^tfmfa: warning: the 'default' profile in your AWS files has credentials of its own: SDKs in ` +
            String.raw`the command rank it ahead of the credential server and may use it instead of 'GEHC-056'$`,
        ),
      );
      const plain = await run(['GEHC-056', '--', '/bin/true']);
      assert.equal(plain.stderr, '');
    },
  );

  test(
    'MFA session gone mid-run without a terminal: HTTP 500 saying what to do, one line on ' +
      'stderr, --mfa-token not reused',
    async () => {
      const cacheDir = join(box.dir, 'cache-expiring');
      const t = tool(
        'expiring',
        String.raw`
      const fs = await import('node:fs');
      const first = await call();
      fs.rmSync(${JSON.stringify(join(cacheDir, 'sessions'))}, { recursive: true, force: true });
      report([first, await call(), await call(), await call()]);
    `,
      );
      const env = { ...box.env, TFMFA_CACHE_DIR: cacheDir, TFMFA_MIN_TTL: '7200' };
      const result = await run(['GEHC-056', '--mfa-token', freshCode(), '--', t.path], { env });
      assert.equal(result.exitCode, 0, String(result.stderr));
      const [first, ...later] = resultOf<CallResult[]>(String(result.stdout));
      assert.equal(first?.status, 200);
      for (const answer of later) {
        assert.equal(answer.status, 500);
        assert.equal(answer.type, 'application/json');
        assert.match(
          answer.json?.message ?? '',
          new RegExp(
            String.raw`MFA session for profile 'GEHC-056' has expired and there is no terminal .* run 'tfmfa ` +
              String.raw`open-session GEHC-056' in a terminal \(or set mfa_process in the profile\)`,
          ),
        );
      }
      const lines = String(result.stderr).trim().split('\n');
      assert.equal(lines.length, 1, String(result.stderr));
      assert.match(lines[0] ?? '', /^tfmfa: credential server: the MFA session for profile 'GEHC-056' has expired/);
      assert.equal(box.emu.count('GetSessionToken'), 1, 'the one-time code served the first resolution only');
    },
  );

  test(
    'MFA session gone mid-run in a terminal: tfmfa prompts on /dev/tty and the request gets ' + 'fresh credentials',
    async () => {
      const cacheDir = join(box.dir, 'cache-prompting');
      rmSync(cacheDir, { recursive: true, force: true });
      const t = tool(
        'prompted',
        String.raw`
      const fs = await import('node:fs');
      const first = await call();
      fs.rmSync(${JSON.stringify(join(cacheDir, 'sessions'))}, { recursive: true, force: true });
      const second = await call();
      report({
        first: first.status,
        second: second.status,
        renewed: second.json && first.json && second.json.AccessKeyId !== first.json.AccessKeyId,
      });
    `,
      );
      const env = { ...box.env, TFMFA_CACHE_DIR: cacheDir };
      const pty = spawnInPty(process.execPath, [CLI, 'exec', '--server', 'GEHC-056', '--', t.path], { env });
      let status;
      try {
        await pty.waitFor(PROMPT);
        pty.write(`${freshCode()}\r`);
        // The second prompt comes after the first one and its answer.
        await pty.waitFor(new RegExp(`${escape(PROMPT)}[\\s\\S]*${escape(PROMPT)}`));
        pty.write(`${freshCode()}\r`);
        status = await pty.exited;
      } finally {
        pty.kill();
      }
      assert.equal(status.code, 0, pty.output());
      const report = resultOf<{ first: number; second: number; renewed: boolean }>(pty.output().replace(/\r/g, ''));
      assert.deepEqual(report, { first: 200, second: 200, renewed: true });
      assert.equal(box.emu.count('GetSessionToken'), 2);
      assert.ok(
        existsSync(join(cacheDir, 'sessions')) && readdirSync(join(cacheDir, 'sessions')).length >= 2,
        'the new MFA session is cached again',
      );
    },
  );
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** tfmfa in a session of its own (no terminal), stdout watched for the fake tool's READY. */
function startTfmfa(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) resolve();
    });
    child.once('exit', () => reject(new Error(`tfmfa exited before READY: ${out} ${err}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, ready, exited, stderr: () => err };
}
