// Arguments and environment values that are not valid UTF-8 reach the command byte for byte, through
// `tfmfa exec` and through the Node shim (`__shim`, what the launcher falls back to), as they do through the shell
// launcher. Node decodes process.argv and process.env lossily (U+FFFD); on Linux tfmfa takes the bytes from
// /proc/self and starts the command through /bin/sh (src/launch/raw-exec.ts). The recorder is python3, which
// reports its argv and environment as bytes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { rawExecPlan } from '../../src/launch/raw-exec.ts';
import { CLI, createSandbox, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';
import { stackWithoutPids } from '../support/shim-world.ts';

const RECORDER = `#!/usr/bin/python3
import json, os, sys
with open(os.environ['RAW_OUT'], 'w') as out:
    json.dump({'argv': [os.fsencode(a).hex() for a in sys.argv[1:]],
               'env': {k.hex(): v.hex() for k, v in os.environb.items()}}, out)
`;

interface Recorded {
  argv: string[];
  env: Record<string, string>;
}

const hex = (text: string) => Buffer.from(text, 'latin1').toString('hex');
/** The raw values, written as printf octal escapes for the sh that starts tfmfa. */
const RAW_ARG = '\\377\\376a b';
const RAW_ARG_HEX = hex('\xff\xfea b');
const RAW_ARG2 = 'caf\\303';
const RAW_ARG2_HEX = hex('caf\xc3');
const RAW_VAR_HEX = hex('v\x80\n');

describe('non-UTF-8 arguments and environment values, byte for byte', () => {
  let box: Sandbox;
  let realDir: string;
  let counter = 0;

  before(async () => {
    box = await createSandbox();
    realDir = join(box.dir, 'real');
    mkdirSync(realDir, { recursive: true });
    writeFileSync(join(realDir, 'terraform'), RECORDER);
    chmodSync(join(realDir, 'terraform'), 0o755);
    box.emu.advance(30);
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true']);
    assert.equal(warm.exitCode, 0, String(warm.stderr));
  });
  after(() => box.cleanup());

  /** Starts `command...` from sh with RAWVAR and two more arguments as raw bytes (or plain ASCII stand-ins). */
  function run(command: string[], raw: boolean, env: Record<string, string> = {}): Recorded {
    const out = join(box.dir, `raw-${++counter}.json`);
    const script = raw
      ? 'RAWVAR=$(printf "v\\200\\nx"); RAWVAR=${RAWVAR%x}; export RAWVAR; exec "$@" "$(printf "$A1")" ' +
        '"$(printf "$A2")"'
      : 'RAWVAR=plain; export RAWVAR; exec "$@" "plain1" "plain2"';
    const result = spawnSync('/bin/sh', ['-c', script, 'sh', ...command], {
      env: { ...box.env, ...env, RAW_OUT: out, A1: RAW_ARG, A2: RAW_ARG2, AWS_PROFILE: 'GEHC-056' },
      encoding: 'utf8',
      cwd: box.dir,
    });
    assert.equal(result.status, 0, `${command.join(' ')}: ${result.stderr}`);
    return JSON.parse(readFileSync(out, 'utf8')) as Recorded;
  }

  const entries: Record<string, () => { command: string[]; env?: Record<string, string> }> = {
    'tfmfa exec': () => ({ command: [process.execPath, CLI, 'exec', 'GEHC-056', '--', join(realDir, 'terraform')] }),
    'tfmfa exec --server': () => ({
      command: [process.execPath, CLI, 'exec', '--server', 'GEHC-056', '--', join(realDir, 'terraform')],
    }),
    'the Node shim (__shim)': () => ({
      command: [process.execPath, CLI, '__shim', 'terraform'],
      env: { PATH: `${realDir}:${box.env.PATH}` },
    }),
    'the shell launcher': () => ({
      command: [join(ROOT, 'shims', 'terraform')],
      env: { PATH: `${join(ROOT, 'shims')}:${realDir}:${box.env.PATH}` },
    }),
  };

  for (const [name, entry] of Object.entries(entries)) {
    const skip =
      name === 'the shell launcher' && !existsSync(join(ROOT, 'shims', 'terraform')) && 'the launcher is not built';
    test(
      `${name}: the bytes arrive unchanged, and the environment is otherwise the same as without them`,
      { skip },
      () => {
        const { command, env } = entry();
        const raw = run([...command, 'plain'], true, env);
        assert.deepEqual(raw.argv, [hex('plain'), RAW_ARG_HEX, RAW_ARG2_HEX]);
        assert.equal(raw.env[hex('RAWVAR')], RAW_VAR_HEX);
        const plain = run([...command, 'plain'], false, env);
        // The server's address and bearer token are new on every run; everything else must be the same.
        const perRun = new Set(
          ['RAWVAR', 'RAW_OUT', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'].map(hex),
        );
        // The shim stack records each shim's pid (the loop rule): compared without them.
        const stack = hex('TFMFA_SHIM_STACK');
        const unpid = (name: string, value: string) =>
          name === stack ? hex(stackWithoutPids(Buffer.from(value, 'hex').toString('latin1')) ?? '') : value;
        const others = (vars: Record<string, string>) =>
          Object.fromEntries(
            Object.entries(vars)
              .filter(([k]) => !perRun.has(k))
              .map(([k, v]) => [k, unpid(k, v)]),
          );
        assert.deepEqual(others(raw.env), others(plain.env), 'no variable added, removed or changed on the way');
      },
    );
  }

  test('exec --help states the limit', async () => {
    const help = await box.tfmfa(['exec', '--help']);
    assert.match(
      String(help.stdout),
      new RegExp(
        String.raw`bytes that are not UTF-8 need Linux \(\/proc\): there\nthe command starts through \/bin\/sh ` +
          String.raw`\(argv\[0\] becomes its path\), elsewhere they become U\+FFFD`,
      ),
    );
  });

  test(
    'property: random bytes (anything but NUL) in arguments and values come out of the /bin/sh step ' + 'unchanged',
    () => {
      const bytes = fc.uint8Array({ minLength: 0, maxLength: 24 }).map((b) => Buffer.from(b.map((x) => x || 1)));
      fc.assert(
        fc.property(fc.array(bytes, { minLength: 1, maxLength: 6 }), bytes, fc.boolean(), (args, value, withPwd) => {
          const decoded = args.map((b) => b.toString('utf8'));
          const env: Record<string, string> = {
            PATH: '/usr/bin:/bin',
            LANG: 'C.UTF-8',
            RAW_OUT: join(box.dir, 'prop.json'),
            RAWVAR: value.toString('utf8') + '\uFFFD',
            ...(withPwd ? { PWD: '/nonexistent/pwd' } : {}),
          };
          const rawValue = Buffer.concat([value, Buffer.from([0xff])]);
          const plan = rawExecPlan(join(realDir, 'terraform'), ['terraform', ...decoded], env, () => ({
            decoded,
            args,
            environ: new Map([['RAWVAR', rawValue]]),
          }));
          assert.ok(plan, 'a plan: RAWVAR lost a byte');
          const result = spawnSync(plan.file, plan.argv.slice(1), {
            argv0: plan.argv[0],
            env: plan.env,
            cwd: box.dir,
            encoding: 'utf8',
          });
          assert.equal(result.status, 0, result.stderr);
          const got = JSON.parse(readFileSync(env.RAW_OUT as string, 'utf8')) as Recorded;
          assert.deepEqual(
            got.argv,
            args.map((b) => b.toString('hex')),
          );
          assert.equal(got.env[hex('RAWVAR')], rawValue.toString('hex'));
          assert.equal(got.env[hex('PWD')], withPwd ? hex('/nonexistent/pwd') : undefined, 'PWD as the command had it');
          assert.deepEqual(Object.keys(got.env).sort(), Object.keys(env).map(hex).sort(), 'no variable added or lost');
        }),
        { numRuns: 40, seed: 20261129 },
      );
    },
  );

  test('the plan is only made when a value lost bytes: valid UTF-8 (non-ASCII too) goes straight to execve', () => {
    assert.equal(rawExecPlan('/bin/true', ['true', 'é', '日本'], { A: 'ü', PATH: '/bin' }), null);
    let asked = 0;
    assert.equal(
      rawExecPlan('/bin/true', ['true'], { A: 'a\uFFFDb' }, () => (asked++, null)),
      null,
      'no /proc: as before',
    );
    assert.equal(asked, 1);
  });
});
