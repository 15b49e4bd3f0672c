// tfmfa-launcher serving `credential-process` and `terragrunt-auth` from the ticket (src/shim/launcher/launcher.sh)
// against Node's commands: stdout compared byte for byte under sh, dash and bash --posix; hand-overs counted
// through the trap entry (test/support/shim-world.ts); hostile ticket values (fast-check); the AWS CLI running
// the overlay's credential_process line.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { credentialProcessJson } from '../../src/output/credential-json.ts';
import { parseTicket, serializeTicket } from '../../src/store/ticket-format.ts';
import { CLI, ROOT } from '../support/sandbox.ts';
import { cleanEnv, createShimWorld, writeLauncher, type ShimWorld } from '../support/shim-world.ts';

const SHELLS: string[][] = [['sh'], ['dash'], ['bash', '--posix']];

describe('tfmfa-launcher serves credential-process and terragrunt-auth', () => {
  let world: ShimWorld;
  let launcher: string;
  let ticketPath: string;
  let goodTicket: string;
  const env = (extra: Record<string, string | undefined> = {}) =>
    cleanEnv({ ...world.box.env, AWS_PROFILE: undefined, ...extra });
  const cpArgs = () => [
    'credential-process',
    '--config-file',
    world.box.env.AWS_CONFIG_FILE as string,
    '--credentials-file',
    world.box.env.AWS_SHARED_CREDENTIALS_FILE as string,
    '--',
    'GEHC-056',
  ];
  const viaLauncher = (args: string[], extra: Record<string, string | undefined> = {}, shell: string[] = []) =>
    execFileSync(shell[0] ?? launcher, [...shell.slice(1), ...(shell.length ? [launcher] : []), ...args], {
      env: env(extra),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const viaNode = (args: string[], extra: Record<string, string | undefined> = {}) =>
    execFileSync(process.execPath, [CLI, ...args], {
      env: env(extra),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  before(async () => {
    world = await createShimWorld();
    await world.warm();
    const dir = join(world.box.dir, 'serve');
    mkdirSync(dir);
    launcher = join(dir, 'tfmfa-launcher');
    writeLauncher(launcher, world.trapEntry);
    ticketPath = join(world.box.cacheDir, 'tickets', 'GEHC-056.ticket');
    goodTicket = readFileSync(ticketPath, 'utf8');
  });
  after(() => world.cleanup());

  test('credential-process: byte-identical to Node, without Node, in every shell', () => {
    const node = viaNode(cpArgs());
    const before = world.fallbacks();
    for (const shell of SHELLS) assert.equal(viaLauncher(cpArgs(), {}, shell), node, shell.join(' '));
    assert.equal(viaLauncher(['credential-process', 'GEHC-056']), viaNode(['credential-process', 'GEHC-056']));
    // The overlay's form: the Node command behind the launcher.
    assert.equal(viaLauncher(['/bin/sh', world.trapEntry, ...cpArgs()]), node);
    assert.equal(world.fallbacks(), before, 'Node never started');
    assert.ok(JSON.parse(node).SessionToken);
  });

  test('terragrunt-auth: byte-identical to Node, without Node, in every shell and region setting', () => {
    const cases: Array<[string[], Record<string, string | undefined>]> = [
      [['terragrunt-auth', 'GEHC-056'], {}],
      [['terragrunt-auth'], { AWS_PROFILE: 'GEHC-056' }],
      [['terragrunt-auth'], { AWS_DEFAULT_PROFILE: 'GEHC-056' }],
      [['terragrunt-auth', '--', 'GEHC-056'], { AWS_REGION: 'ap-south-1' }],
      [['terragrunt-auth', 'GEHC-056'], { AWS_DEFAULT_REGION: 'eu-central-1' }],
      [['terragrunt-auth', 'GEHC-056'], { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-central-1' }],
    ];
    for (const [args, extra] of cases) {
      const node = viaNode(args, extra);
      const before = world.fallbacks();
      for (const shell of SHELLS)
        assert.equal(
          viaLauncher(args, extra, shell),
          node,
          `${args.join(' ')} ${JSON.stringify(extra)} (${shell.join(' ')})`,
        );
      assert.equal(world.fallbacks(), before, `${args.join(' ')}: Node never started`);
    }
  });

  test(
    '60 concurrent warm terragrunt-auth calls, as terragrunt makes them: all served without ' +
      "Node, all Node's bytes",
    async () => {
      const node = viaNode(['terragrunt-auth'], { AWS_PROFILE: 'GEHC-056' });
      const before = world.fallbacks();
      world.box.emu.resetCounts();
      const runs = await Promise.all(
        Array.from({ length: 60 }, () =>
          promisify(execFile)(launcher, ['terragrunt-auth'], { env: env({ AWS_PROFILE: 'GEHC-056' }) }),
        ),
      );
      for (const run of runs) assert.equal(run.stdout, node);
      assert.equal(world.fallbacks(), before, 'Node never started');
      assert.equal(world.box.emu.count('AssumeRole') + world.box.emu.count('GetSessionToken'), 0, 'no STS call');
    },
  );

  test('anything else is handed to Node with the argv untouched (same output)', () => {
    const cases: Array<[string[], Record<string, string | undefined>]> = [
      [['credential-process', '--help'], {}],
      [['/bin/sh', world.trapEntry, 'credential-process', '--bogus', 'GEHC-056'], {}],
      [['terragrunt-auth', '--config-file', 'x', 'GEHC-056'], {}],
      [['credential-process', 'GEHC-056', '--session-ttl', '2h'], {}],
      [['terragrunt-auth', 'GEHC-056'], { AWS_REGION: 'us-east-1"}' }],
      [['terragrunt-auth', 'GEHC-056'], { TFMFA_DEBUG: '1' }],
      [['terragrunt-auth', 'GEHC-056'], { _tf_ak: 'x' }],
      [['/bin/sh', world.trapEntry, 'credential-process', 'GEHC-056'], { _tf_serve: '' }],
    ];
    for (const [args, extra] of cases) {
      const before = world.fallbacks();
      let out: string;
      try {
        out = viaLauncher(args, extra);
      } catch (error) {
        out = `fail ${(error as { stderr: string }).stderr}`;
      }
      let expected: string;
      try {
        expected = viaNode(args[0] === '/bin/sh' ? args.slice(2) : args, extra);
      } catch (error) {
        expected = `fail ${(error as { stderr: string }).stderr}`;
      }
      assert.equal(out, expected, args.join(' '));
      assert.equal(world.fallbacks(), before + 1, `${args.join(' ')}: handed over`);
    }
    // Past the credential_process stamp (a minute before the ticket's deadline): Node's.
    const serve = join(world.box.cacheDir, 'tickets', 'GEHC-056.serve');
    rmSync(serve);
    const before = world.fallbacks();
    viaLauncher(cpArgs());
    assert.equal(world.fallbacks(), before + 1, 'no .serve stamp: handed over');
    assert.ok(
      readdirSync(join(world.box.cacheDir, 'tickets')).includes('GEHC-056.serve'),
      "Node's credential-process renewed the stamp",
    );
    viaLauncher(cpArgs());
    assert.equal(world.fallbacks(), before + 1, 'served again');
  });

  test(
    'a session token that is empty or holds a character JSON would escape is never printed by the ' +
      'launcher: Node answers',
    () => {
      const base = parseTicket(goodTicket);
      assert.ok(base);
      try {
        for (const token of ['', 'IQoJb3Jp"Z2lu', 'IQoJb3Jp\\Z2lu', 'IQoJ\nb3Jp']) {
          const text = serializeTicket({
            ...base,
            changes: { ...base.changes, set: { ...base.changes.set, AWS_SESSION_TOKEN: token } },
          });
          assert.ok(text);
          writeFileSync(ticketPath, text, { mode: 0o600 });
          const before = world.fallbacks();
          let out: string;
          try {
            out = viaLauncher(cpArgs());
          } catch (error) {
            out = `fail ${(error as { stderr: string }).stderr}`;
          }
          assert.equal(world.fallbacks(), before + 1, `${JSON.stringify(token)}: handed over`);
          if (!out.startsWith('fail')) JSON.parse(out);
        }
      } finally {
        writeFileSync(ticketPath, goodTicket, { mode: 0o600 });
      }
    },
  );

  test("hostile ticket values: the output is Node's JSON for them, or a hand-over", () => {
    const base = parseTicket(goodTicket);
    assert.ok(base);
    const word = (chars: string) => fc.string({ unit: fc.constantFrom(...chars), minLength: 0, maxLength: 40 });
    const hostile = fc.oneof(word('AZ09az+/=-"\\\n $`{}:.TZ'), fc.string(), fc.constant(''));
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    // Real expirations, and ISO-shaped strings with out-of-range fields (2026-02-29, 04-31, 24:00...) that Node's
    // Date would reject or roll over.
    const iso = fc.oneof(
      fc
        .date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true })
        .map((date) => date.toISOString()),
      fc
        .tuple(
          fc.constantFrom('1900', '2000', '2024', '2026', '2100', '0999'),
          two(13),
          two(32),
          two(24),
          two(60),
          two(60),
        )
        .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`),
    );
    const value = (good: fc.Arbitrary<string>) => fc.option(fc.oneof(good, good, hostile), { nil: undefined });
    let served = 0;
    let handed = 0;
    fc.assert(
      fc.property(
        value(word('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')),
        value(word('AZaz09+/=')),
        value(word('AZaz09+/=')),
        value(iso),
        (accessKeyId, secretAccessKey, sessionToken, expiration) => {
          const set: Record<string, string> = { ...base.changes.set };
          const unset = base.changes.unset.filter(
            (name) =>
              ![
                'AWS_ACCESS_KEY_ID',
                'AWS_SECRET_ACCESS_KEY',
                'AWS_SESSION_TOKEN',
                'AWS_CREDENTIAL_EXPIRATION',
              ].includes(name),
          );
          for (const [name, v] of [
            ['AWS_ACCESS_KEY_ID', accessKeyId],
            ['AWS_SECRET_ACCESS_KEY', secretAccessKey],
            ['AWS_SESSION_TOKEN', sessionToken],
            ['AWS_CREDENTIAL_EXPIRATION', expiration],
          ] as const) {
            delete set[name];
            if (v !== undefined) set[name] = v;
          }
          const text = serializeTicket({ ...base, changes: { set, unset } });
          assert.ok(text);
          writeFileSync(ticketPath, text, { mode: 0o600 });
          const before = world.fallbacks();
          let out: string | undefined;
          try {
            out = viaLauncher(cpArgs());
          } catch {
            out = undefined; // Node refused: a hand-over (counted below)
          }
          if (world.fallbacks() > before) {
            handed++;
            return;
          }
          served++;
          const date = expiration === undefined ? undefined : new Date(expiration);
          const expected = credentialProcessJson({
            accessKeyId: accessKeyId as string,
            secretAccessKey: secretAccessKey as string,
            ...(sessionToken ? { sessionToken } : {}),
            ...(date ? { expiration: date } : {}),
          });
          assert.equal(out, `${expected}\n`);
          JSON.parse(out as string);
        },
      ),
      { numRuns: 80 },
    );
    writeFileSync(ticketPath, goodTicket, { mode: 0o600 });
    assert.ok(served > 0 && handed > 0, `both outcomes seen (served ${served}, handed over ${handed})`);
  });

  test(
    "the AWS CLI runs the overlay's credential_process line, served by tfmfa-launcher without Node",
    { skip: !existsSync('/usr/bin/strace') && 'strace is not installed' },
    () => {
      const overlays = join(world.box.cacheDir, 'overlay');
      const [id] = readdirSync(overlays);
      const dir = join(overlays, id as string);
      const packaged = join(ROOT, 'shims', 'tfmfa-launcher');
      assert.match(
        readFileSync(join(dir, 'config'), 'utf8'),
        new RegExp(`credential_process = ${packaged} ${process.execPath} ${CLI} credential-process --config-file `),
      );
      const trace = join(world.box.dir, 'aws.strace');
      const out = execFileSync(
        '/usr/bin/strace',
        [
          '-f',
          '-qq',
          '-e',
          'trace=execve',
          '-o',
          trace,
          'aws',
          'configure',
          'export-credentials',
          '--profile',
          'GEHC-056',
          '--format',
          'process',
        ],
        {
          env: env({
            AWS_CONFIG_FILE: join(dir, 'config'),
            AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
            TFMFA_CONFIG_FILE: world.box.env.AWS_CONFIG_FILE,
            TFMFA_CREDENTIALS_FILE: world.box.env.AWS_SHARED_CREDENTIALS_FILE,
          }),
          encoding: 'utf8',
        },
      );
      const execs = readFileSync(trace, 'utf8')
        .split('\n')
        .filter((line) => /execve\(/.test(line) && !/ENOENT/.test(line));
      assert.ok(
        execs.some((line) => line.includes(`execve("${packaged}"`)),
        `the launcher ran: ${execs.join('\n')}`,
      );
      assert.ok(
        !execs.some((line) => line.includes(`execve("${process.execPath}"`)),
        `Node did not: ${execs.join('\n')}`,
      );
      assert.equal(JSON.parse(out).AccessKeyId, parseTicket(goodTicket)?.changes.set.AWS_ACCESS_KEY_ID);
    },
  );

  test(
    'served: no external command and no subshell, only the shell itself',
    { skip: !existsSync('/usr/bin/strace') && 'strace is not installed' },
    () => {
      const trace = join(world.box.dir, 'serve.strace');
      for (const shell of ['dash', 'bash']) {
        for (const args of [cpArgs(), ['terragrunt-auth', 'GEHC-056'], ['/bin/sh', world.trapEntry, ...cpArgs()]]) {
          execFileSync(
            '/usr/bin/strace',
            ['-f', '-qq', '-o', trace, '-e', 'trace=execve,clone,clone3,fork,vfork', shell, launcher, ...args],
            { env: env(), stdio: 'ignore' },
          );
          const calls = readFileSync(trace, 'utf8')
            .trim()
            .split('\n')
            .filter((line) => !/exited with|\+\+\+|---/.test(line));
          assert.equal(calls.length, 1, `${shell} ${args[0]}: ${calls.join('\n')}`);
        }
      }
    },
  );
});
