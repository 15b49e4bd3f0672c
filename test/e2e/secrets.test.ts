// Secrets: every command runs with TFMFA_DEBUG=1 against the emulator; all of its output, the config overlay and the
// command lines of tfmfa's children (/proc/*/cmdline) are scanned for the long-term secret key, every session
// secret and token tfmfa got, the server's bearer token and the MFA codes used. They may appear only where they
// are the output by design: `export` and `credential-process` stdout (and there only the credentials printed).
// `login --stdout` prints a URL with the sign-in token, never a key. The cache stays 0600 files in 0700 directories
// after every write path.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startEchoServer } from '../support/echo-server.ts';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { createSandbox, ROLE_B, SERIAL, type Sandbox, type TfmfaResult } from '../support/sandbox.ts';

interface Output {
  command: string;
  stream: string;
  text: string;
  /** By design this output carries the credentials it prints: their secret and token are allowed in it. */
  carriesCredentials: boolean;
}

/** Scans the (descendant) processes of this machine for command lines while a child runs; reports ancestors too. */
const PROBE_SCRIPT = String.raw`
const fs = await import('node:fs');
const cp = await import('node:child_process');
const cmdline = (pid) => {
  try {
    return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
};
const parentOf = (pid) => {
  const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};
const seen = new Map();
const scan = () => {
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = cmdline(pid);
    if (argv && argv.length) seen.set(argv.join('\u0001'), argv);
  }
};
const ancestors = [];
for (let pid = process.pid; pid > 1 && ancestors.length < 12; pid = parentOf(pid)) {
  ancestors.push({ pid, argv: cmdline(pid) });
}
const result = { ancestors, cmdlines: [], credentialProcess: null, served: null };
scan();
const profile = process.env.PROBE_PROFILE;
if (process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
  // exec --server: fetch the credentials the way an SDK does, while the tfmfa parent is alive
  const response = await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, {
    headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN },
  });
  result.served = await response.json();
  scan();
}
const overlay = process.env.AWS_CONFIG_FILE && fs.existsSync(process.env.AWS_CONFIG_FILE)
  ? fs.readFileSync(process.env.AWS_CONFIG_FILE, 'utf8')
  : '';
const section = overlay.split(/\n(?=\[)/).find((s) => s.startsWith('[profile ' + profile + ']')) ?? '';
const command = /^credential_process = (.*)$/m.exec(section)?.[1];
if (command) {
  // what an SDK does with the overlay: run credential_process through a shell; watch every command line meanwhile
  const child = cp.spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setInterval(scan, 3);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  result.credentialProcess = { command, code, stdout: out, stderr: err };
}
scan();
result.cmdlines = [...seen.values()];
fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify(result));
`;

interface ProbeResult {
  ancestors: Array<{ pid: number; argv: string[] | null }>;
  cmdlines: string[][];
  credentialProcess: { command: string; code: number; stdout: string; stderr: string } | null;
  served: { AccessKeyId: string; SecretAccessKey: string; Token: string } | null;
}

describe('secrets never leak', () => {
  let box: Sandbox;
  let probe: { path: string; recordsFile: string };
  let realTerraform: { path: string; recordsFile: string };
  const outputs: Output[] = [];
  /** accessKeyId → its secret and token, for every temporary credential seen anywhere. */
  const credentials = new Map<string, { secretAccessKey: string; sessionToken: string }>();
  const codes = new Set<string>();
  const bearerTokens = new Set<string>();
  let probeCounter = 0;
  const cacheDir = () => box.env.TFMFA_CACHE_DIR as string;

  function remember(accessKeyId: unknown, secretAccessKey: unknown, sessionToken: unknown): void {
    if (typeof accessKeyId === 'string' && typeof secretAccessKey === 'string' && secretAccessKey.length > 0) {
      credentials.set(accessKeyId, {
        secretAccessKey,
        sessionToken: typeof sessionToken === 'string' ? sessionToken : '',
      });
    }
  }

  /** Every credential in the cache: sessions (JSON) and tickets (line data). */
  function harvestCache(dir = cacheDir()): void {
    const sessions = join(dir, 'sessions');
    if (existsSync(sessions)) {
      for (const name of readdirSync(sessions)) {
        try {
          const entry = JSON.parse(readFileSync(join(sessions, name), 'utf8')) as Record<string, string>;
          remember(entry.accessKeyId, entry.secretAccessKey, entry.sessionToken);
        } catch {
          // a corrupt entry is another test's business
        }
      }
    }
    const tickets = join(dir, 'tickets');
    if (existsSync(tickets)) {
      for (const name of readdirSync(tickets).filter((n) => n.endsWith('.ticket'))) {
        const lines = readFileSync(join(tickets, name), 'utf8').split('\n');
        const value = (variable: string) => lines[lines.findIndex((l) => l.startsWith(`set ${variable} `)) + 1];
        remember(value('AWS_ACCESS_KEY_ID'), value('AWS_SECRET_ACCESS_KEY'), value('AWS_SESSION_TOKEN'));
      }
    }
  }

  /** Codes the emulator accepts right now (a run may cross into the next window). */
  function noteCodes(): void {
    for (const offset of [0, 1]) codes.add(box.emu.currentCode(SERIAL, offset));
  }

  /** Files 0600, directories 0700, all the way down; no symlinks. */
  function assertPrivateCache(where: string, dir = cacheDir()): void {
    const walk = (path: string): void => {
      const stat = lstatSync(path);
      assert.ok(!stat.isSymbolicLink(), `${where}: no symlink in the cache: ${path}`);
      const mode = stat.mode & 0o777;
      if (stat.isDirectory()) {
        assert.equal(mode.toString(8), '700', `${where}: directory ${path}`);
        for (const name of readdirSync(path)) walk(join(path, name));
      } else {
        assert.equal(mode.toString(8), '600', `${where}: file ${path}`);
      }
      assert.equal(stat.uid, process.getuid?.(), `${where}: owned by the user: ${path}`);
    };
    walk(dir);
  }

  async function run(
    args: string[],
    options: { carriesCredentials?: boolean; env?: Record<string, string> } = {},
  ): Promise<TfmfaResult> {
    box.emu.advance(30);
    noteCodes();
    const result = await box.tfmfa(args, {
      env: { ...box.env, TFMFA_DEBUG: '1', ...options.env },
      detached: true,
      timeout: 30_000,
    });
    const command = `tfmfa ${args.join(' ')}`;
    outputs.push({
      command,
      stream: 'stdout',
      text: String(result.stdout),
      carriesCredentials: options.carriesCredentials ?? false,
    });
    outputs.push({ command, stream: 'stderr', text: String(result.stderr), carriesCredentials: false });
    harvestCache(options.env?.TFMFA_CACHE_DIR ?? cacheDir());
    return result;
  }

  /** A placeholder command (still being written by others) is reported as pending, not as a failure. */
  function pendingIfPlaceholder(t: TestContext, result: TfmfaResult): boolean {
    if (/not implemented yet/.test(String(result.stderr))) {
      t.todo(`pending: ${String(result.stderr).trim()}`);
      return true;
    }
    return false;
  }

  function readProbe(file: string, command: string): ProbeResult {
    const result = JSON.parse(readFileSync(file, 'utf8')) as ProbeResult;
    for (const [i, ancestor] of result.ancestors.entries())
      outputs.push({
        command,
        stream: `/proc cmdline of ancestor ${i} (pid ${ancestor.pid})`,
        text: (ancestor.argv ?? []).join(' '),
        carriesCredentials: false,
      });
    for (const argv of result.cmdlines)
      outputs.push({
        command,
        stream: '/proc/*/cmdline while the child ran',
        text: argv.join(' '),
        carriesCredentials: false,
      });
    if (result.credentialProcess) {
      outputs.push({
        command,
        stream: 'overlay credential_process stderr',
        text: result.credentialProcess.stderr,
        carriesCredentials: false,
      });
      const json = JSON.parse(result.credentialProcess.stdout) as Record<string, string>;
      remember(json.AccessKeyId, json.SecretAccessKey, json.SessionToken);
    }
    if (result.served) remember(result.served.AccessKeyId, result.served.SecretAccessKey, result.served.Token);
    return result;
  }

  before(async () => {
    box = await createSandbox();
    box.writeConfig(`[profile sec]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = ${box.mfaProcess}
region = eu-west-1
[profile sec-slow]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = sleep 2; ${box.mfaProcess}
`);
    probe = createFakeTool(join(box.dir, 'bin'), 'probe', { runScript: PROBE_SCRIPT });
    realTerraform = createFakeTool(join(box.dir, 'real'), 'terraform');
  });
  after(() => box.cleanup());

  test(
    'exec with --mfa-token (cold cache): the child, its ancestors and an overlay ' + 'credential_process it triggers',
    async () => {
      box.emu.advance(30);
      const code = box.emu.currentCode(SERIAL);
      const out = join(box.dir, `probe-${++probeCounter}.json`);
      const ownCache = join(box.dir, 'cache-mfa-token');
      const result = await run(['exec', 'GEHC-056', '--mfa-token', code, '--', probe.path], {
        env: { PROBE_OUT: out, PROBE_PROFILE: 'GEHC-056', TFMFA_CACHE_DIR: ownCache },
      });
      codes.add(code);
      assert.equal(result.exitCode, 0, String(result.stderr));
      const seen = readProbe(out, 'exec GEHC-056 (child)');
      assert.equal(
        seen.credentialProcess?.code,
        0,
        `the overlay's credential_process works: ${seen.credentialProcess?.stderr}`,
      );
      const env = readRecords(probe.recordsFile).at(-1)?.env ?? {};
      remember(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN);
      assert.ok(credentials.size >= 2, 'the MFA session and the role credentials were seen');
      assertPrivateCache('after exec --mfa-token (sessions, overlay, ticket, lock)', ownCache);
    },
  );

  test('exec with mfa_process (cold cache): the child, its ancestors, the overlay', async () => {
    const out = join(box.dir, `probe-${++probeCounter}.json`);
    const runsBefore = box.mfaProcessRuns();
    const result = await run(['exec', 'sec', '--', probe.path], { env: { PROBE_OUT: out, PROBE_PROFILE: 'sec' } });
    assert.equal(box.mfaProcessRuns() - runsBefore, 1, 'the code came from mfa_process');
    assert.equal(result.exitCode, 0, String(result.stderr));
    readProbe(out, 'exec sec (child)');
    const overlay = readRecords(probe.recordsFile).at(-1)?.env.AWS_CONFIG_FILE as string;
    assert.ok(overlay.startsWith(cacheDir()), 'the child got the overlay');
    outputs.push({
      command: 'overlay config file',
      stream: overlay,
      text: readFileSync(overlay, 'utf8'),
      carriesCredentials: false,
    });
    const overlayCredentials = readRecords(probe.recordsFile).at(-1)?.env.AWS_SHARED_CREDENTIALS_FILE as string;
    outputs.push({
      command: 'overlay credentials file',
      stream: overlayCredentials,
      text: readFileSync(overlayCredentials, 'utf8'),
      carriesCredentials: false,
    });
    assert.equal(readFileSync(overlayCredentials, 'utf8'), '', 'the overlay credentials file is empty');
    assertPrivateCache('after exec with mfa_process');
  });

  test('a code AWS refuses (replayed --mfa-token) is not repeated in the error', async () => {
    box.emu.advance(30);
    const code = box.emu.currentCode(SERIAL);
    codes.add(code);
    const first = await run(['credential-process', 'team-b', '--mfa-token', code], {
      carriesCredentials: true,
      env: { TFMFA_CACHE_DIR: join(box.dir, 'cache-replay-1') },
    });
    assert.equal(first.exitCode, 0, String(first.stderr));
    const replay = await box.tfmfa(['credential-process', 'team-b', '--mfa-token', code], {
      env: { ...box.env, TFMFA_DEBUG: '1', TFMFA_CACHE_DIR: join(box.dir, 'cache-replay-2') },
      detached: true,
    });
    outputs.push({
      command: 'credential-process --mfa-token <replayed>',
      stream: 'stderr',
      text: String(replay.stderr),
      carriesCredentials: false,
    });
    assert.equal(replay.exitCode, 1);
    assert.match(String(replay.stderr), /AWS rejected the MFA code/);
  });

  test('credential-process (warm and cold role)', async () => {
    const warm = await run(['credential-process', 'sec'], { carriesCredentials: true });
    assert.equal(warm.exitCode, 0, String(warm.stderr));
    const json = JSON.parse(String(warm.stdout)) as Record<string, string>;
    remember(json.AccessKeyId, json.SecretAccessKey, json.SessionToken);
    const cold = await run(['credential-process', 'team-c'], { carriesCredentials: true });
    assert.equal(cold.exitCode, 0, String(cold.stderr));
    assertPrivateCache('after credential-process');
  });

  for (const format of ['sh', 'fish', 'powershell', 'dotenv', 'json']) {
    test(`export --format ${format}`, async () => {
      const result = await run(['export', 'sec', '--format', format], { carriesCredentials: true });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.match(String(result.stdout), /ASIA[A-Z0-9]{16}/);
    });
  }

  test('the MFA lock while it is held: its files and directories are private too', async () => {
    const slowCache = join(box.dir, 'cache-slow');
    box.emu.advance(30);
    noteCodes();
    const holder = box.tfmfa(['credential-process', 'sec-slow'], {
      env: { ...box.env, TFMFA_DEBUG: '1', TFMFA_CACHE_DIR: slowCache },
      detached: true,
      timeout: 30_000,
    });
    const locks = join(slowCache, 'locks');
    // On Linux the lock is an abstract UNIX socket named after the per-user salt in locks/salt (src/store/lock.ts).
    const held = () => {
      if (!existsSync(join(locks, 'salt'))) return false;
      if (process.platform !== 'linux') return readdirSync(locks).some((n) => n.endsWith('.lock'));
      const salt = readFileSync(join(locks, 'salt'), 'utf8').trim();
      return readFileSync('/proc/net/unix', 'utf8').includes(`@tfmfa-${process.getuid?.() ?? 0}-${salt}-`);
    };
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !held()) await new Promise((r) => setTimeout(r, 50));
    let problem: unknown;
    try {
      assert.ok(held(), 'the lock is held during the slow mfa_process');
      assertPrivateCache('while the MFA lock is held', slowCache);
    } catch (error) {
      problem = error;
    }
    const result = await holder;
    harvestCache(slowCache);
    outputs.push({
      command: 'credential-process sec-slow',
      stream: 'stderr',
      text: String(result.stderr),
      carriesCredentials: false,
    });
    outputs.push({
      command: 'credential-process sec-slow',
      stream: 'stdout',
      text: String(result.stdout),
      carriesCredentials: true,
    });
    assert.equal(result.exitCode, 0, String(result.stderr));
    if (problem) throw problem;
  });

  test('shim mode (node shim, then the ticket fast path)', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await run(['__shim', 'terraform', 'plan'], {
        env: { AWS_PROFILE: 'sec', PATH: `${join(box.dir, 'real')}:${box.env.PATH}` },
      });
      assert.equal(result.exitCode, 0, String(result.stderr));
    }
    const env = readRecords(realTerraform.recordsFile).at(-1)?.env ?? {};
    assert.match(env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
    assertPrivateCache('after shim runs (ticket)');
  });

  test(
    'exec --server: a child fetching credentials from the server; the parent tfmfa is alive ' + 'and scanned',
    async () => {
      const out = join(box.dir, `probe-${++probeCounter}.json`);
      const result = await run(['exec', '--server', 'sec', '--', probe.path], {
        env: { PROBE_OUT: out, PROBE_PROFILE: 'sec' },
      });
      assert.equal(result.exitCode, 0, String(result.stderr));
      const seen = readProbe(out, 'exec --server sec (child)');
      assert.ok(seen.served?.AccessKeyId?.startsWith('ASIA'), `the server answered: ${JSON.stringify(seen.served)}`);
      const env = readRecords(probe.recordsFile).at(-1)?.env ?? {};
      assert.ok(env.AWS_CONTAINER_AUTHORIZATION_TOKEN, 'the child got a bearer token');
      bearerTokens.add(env.AWS_CONTAINER_AUTHORIZATION_TOKEN as string);
      assert.equal(env.AWS_SECRET_ACCESS_KEY, undefined, 'no static keys beside the server');
      const parent = seen.ancestors[1];
      assert.ok(
        parent?.argv?.some((a) => a.includes('cli.js')),
        `the child's parent is tfmfa: ${JSON.stringify(parent)}`,
      );
      assertPrivateCache('after exec --server');
    },
  );

  for (const args of [
    ['list'],
    ['list', '--json'],
    ['doctor', 'sec'],
    ['doctor', 'sec', '--network'],
    ['shim', 'list'],
    ['completion', 'bash'],
    ['completion', 'zsh'],
    ['completion', 'fish'],
  ]) {
    test(`${args.join(' ')}`, async (t) => {
      const result = await run(args);
      if (pendingIfPlaceholder(t, result)) return;
      assert.ok(
        result.exitCode === 0 || (args[0] === 'doctor' && result.exitCode === 1),
        `${args.join(' ')}: exit ${result.exitCode}: ${result.stderr}`,
      );
      assert.ok(String(result.stdout).length > 0);
    });
  }

  test('login --stdout: the URL carries a sign-in token, never a key, a session token or a code', async (t) => {
    const result = await run(['login', 'sec', '--stdout', '--federation-url', `${box.emu.url}/federation`]);
    if (pendingIfPlaceholder(t, result)) return;
    assert.equal(result.exitCode, 0, String(result.stderr));
    const url = new URL(String(result.stdout).trim());
    const token = url.searchParams.get('SigninToken') ?? '';
    assert.ok(box.emu.signinTokenPrincipal(token), 'a sign-in token the federation endpoint issued');
    assertPrivateCache('after login');
  });

  test(
    'login against endpoints that echo the request (500, 403, and 200 without a token): no ' + 'secret in the error',
    async (t) => {
      const echo = await startEchoServer();
      t.after(() => echo.close());
      for (const status of [500, 403, 200]) {
        const result = await run(['login', 'sec', '--stdout', '--federation-url', `${echo.url}/${status}/federation`]);
        assert.equal(result.exitCode, 1, `HTTP ${status}: ${result.stderr}`);
        assert.equal(String(result.stdout), '');
        // The endpoint did get the secrets (so an echo would carry them): no piece of them may come back out.
        const session = JSON.parse(
          new URL(echo.requests.at(-1) ?? '', echo.url).searchParams.get('Session') ?? '{}',
        ) as Record<string, string>;
        assert.ok(session.sessionKey && session.sessionToken, 'the request carried a secret key and a session token');
        remember(session.sessionId, session.sessionKey, session.sessionToken);
        const pieces = [session.sessionKey, session.sessionToken]
          .flatMap((secret) => secret.split(/[^A-Za-z0-9]+/))
          .filter((piece) => piece.length >= 8);
        for (const piece of pieces)
          assert.ok(
            !String(result.stderr).includes(piece),
            `HTTP ${status}: the error holds a piece of a secret: ${result.stderr}`,
          );
        assert.match(
          String(result.stderr),
          new RegExp(
            `^tfmfa: the AWS federation endpoint ${echo.url}/${status}/federation (refused the sign-in ` +
              `\\(HTTP ${status}\\)|answered HTTP 200 without a sign-in token): [^\\n]+$`,
            'm',
          ),
        );
      }
    },
  );

  test('clear PROFILE, then clear: descriptions only', async (t) => {
    harvestCache();
    const one = await run(['clear', 'sec']);
    if (pendingIfPlaceholder(t, one)) return;
    assert.equal(one.exitCode, 0, String(one.stderr));
    const all = await run(['clear']);
    assert.equal(all.exitCode, 0, String(all.stderr));
  });

  test('no secret anywhere it does not belong', () => {
    const secrets: Array<{ kind: string; value: string; accessKeyId?: string }> = [
      { kind: 'long-term secret key', value: box.user.secretAccessKey },
    ];
    for (const [accessKeyId, c] of credentials) {
      secrets.push({ kind: `secret key of ${accessKeyId}`, value: c.secretAccessKey, accessKeyId });
      if (c.sessionToken) secrets.push({ kind: `session token of ${accessKeyId}`, value: c.sessionToken, accessKeyId });
    }
    for (const token of bearerTokens) secrets.push({ kind: 'credential server bearer token', value: token });
    assert.ok(credentials.size >= 4, `temporary credentials collected: ${credentials.size}`);
    assert.ok(codes.size >= 2);
    const violations: string[] = [];
    for (const output of outputs) {
      // The credentials an output prints by design: those whose access key id it names.
      const printed = output.carriesCredentials
        ? new Set([...output.text.matchAll(/ASIA[A-Z0-9]{16}/g)].map((m) => m[0]))
        : new Set<string>();
      if (output.carriesCredentials && printed.size > 1)
        violations.push(
          `${output.command} ${output.stream}: prints ${printed.size} credentials ` +
            `(${[...printed].join(', ')}), expected one`,
        );
      for (const secret of secrets) {
        if (!output.text.includes(secret.value)) continue;
        if (secret.accessKeyId && printed.has(secret.accessKeyId)) continue;
        violations.push(`${output.command} ${output.stream}: contains the ${secret.kind}`);
      }
      for (const code of codes) {
        if (new RegExp(`(?<!\\d)${code}(?!\\d)`).test(output.text))
          violations.push(`${output.command} ${output.stream}: contains an MFA code (${code})`);
      }
    }
    assert.deepEqual(violations, []);
    // The scan can see what it looks for: by-design outputs do hold secrets, and the children's command lines were
    // caught.
    const designed = outputs.filter((o) => o.carriesCredentials && secrets.some((s) => o.text.includes(s.value)));
    assert.ok(designed.length >= 6, `credential outputs seen holding their secrets: ${designed.length}`);
    assert.ok(
      outputs.some((o) => o.stream.startsWith('/proc/*/cmdline') && / credential-process .* -- GEHC-056/.test(o.text)),
      'the overlay credential_process was seen on the process list',
    );
    assert.ok(
      outputs.some((o) => o.stream.startsWith('/proc cmdline of ancestor') && / exec --server sec /.test(o.text)),
      'the server parent was seen on the process list',
    );
  });
});
