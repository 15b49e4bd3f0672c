// Shim mode end to end, every case twice: through Node (a symlink named terraform → dist/cli.js) and
// through the shell launcher (a launcher file named terraform). Fake terraform, terragrunt and aws later on
// PATH record how they were started.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { spawnInPty } from '../support/pty.ts';
import { CLI, NODE_DIR, ROLE_B, SERIAL } from '../support/sandbox.ts';
import {
  createShimWorld,
  stackWithoutPids,
  VIAS,
  withoutStackPids,
  writeLauncher,
  type ShimWorld,
} from '../support/shim-world.ts';

const AWS_CLI = '/usr/bin/aws';
/** A PATH without any real terraform (this machine has one in /usr/local/bin). */
const BARE_PATH = `${NODE_DIR}:/usr/bin:/bin`;

function parProfile(mfaProcess: string): string {
  return `[profile par]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = ${mfaProcess}
`;
}

/**
 * Makes the fake terragrunt's `run-all` run `terraform plan unit-N` three times in parallel, by name (through
 * PATH).
 */
const PARALLEL_TERRAFORM = `
import { spawn } from 'node:child_process';
if (globalThis.fakeTool.record.argv[0] === 'run-all') {
const codes = await Promise.all([1, 2, 3].map((n) => new Promise((resolve) => {
  const child = spawn('terraform', ['plan', 'unit-' + n], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('error', () => resolve(99));
  child.on('exit', (code) => resolve(code ?? 98));
})));
process.exitCode = codes.every((c) => c === 0) ? 0 : 1;
}
`;

for (const via of VIAS) {
  describe(`shim mode via ${via}`, () => {
    let world: ShimWorld;
    const profileEnv = { AWS_PROFILE: 'GEHC-056' };
    /** Asserts the launcher took its fast path (no hand-over to Node) for what ran since `before`. */
    const assertFast = (before: number, what: string) => {
      if (via === 'launcher') assert.equal(world.fallbacks(), before, `${what}: the launcher handled it without Node`);
    };

    before(async () => {
      world = await createShimWorld({ extraConfig: (box) => parProfile(box.mfaProcess) });
      createFakeTool(world.fakeBin, 'terragrunt', { runScript: PARALLEL_TERRAFORM });
      await world.warm();
    });
    after(() => world.cleanup());
    beforeEach(() => world.box.emu.resetCounts());

    test(
      'cached session: credentials injected, profile variables removed, TFMFA_PROFILE set, no ' + 'STS call',
      async () => {
        const fallbacks = world.fallbacks();
        const result = await world.run(via, 'terraform', ['plan'], {
          env: {
            ...profileEnv,
            AWS_DEFAULT_PROFILE: 'other',
            AWS_SECURITY_TOKEN: 'old',
            AWS_SESSION_EXPIRATION: 'old',
            KEEP_ME: 'yes',
          },
        });
        assert.equal(result.exitCode, 0, result.stderr);
        const env = world.last('terraform').env;
        assert.match(env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
        assert.ok(env.AWS_SECRET_ACCESS_KEY && env.AWS_SESSION_TOKEN);
        assert.ok(Date.parse(env.AWS_CREDENTIAL_EXPIRATION ?? '') > Date.now() + 50 * 60_000);
        for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN', 'AWS_SESSION_EXPIRATION'])
          assert.equal(env[name], undefined, name);
        assert.equal(env.TFMFA_PROFILE, 'GEHC-056');
        assert.equal(env.AWS_REGION, 'us-west-2');
        assert.equal(env.AWS_DEFAULT_REGION, 'us-west-2');
        assert.equal(
          env.TFMFA_CONFIG_FILE,
          world.box.env.AWS_CONFIG_FILE,
          'tfmfa itself keeps reading the real config',
        );
        assert.match(env.AWS_CONFIG_FILE ?? '', /overlay/);
        assert.equal(env.KEEP_ME, 'yes');
        assert.equal(stackWithoutPids(env.TFMFA_SHIM_STACK), `terraform=${join(world.fakeBin, 'terraform')}`);
        assert.equal(world.box.emu.count(), 0);
        assertFast(fallbacks, 'cached session');
      },
    );

    test('argv arrives byte for byte', async () => {
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
        '`id`',
        '$(id)',
        'a\nb',
        '\\',
        ' lead',
        'trail ',
        '-chdir=x',
      ];
      const result = await world.run(via, 'terraform', args, { env: profileEnv });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(world.last('terraform').argv, args);
      const none = await world.run(via, 'aws', [], { env: profileEnv });
      assert.equal(none.exitCode, 0, none.stderr);
      assert.deepEqual(world.last('aws').argv, []);
    });

    test('exit codes 0, 1, 2 and death by signal come through; the PID is kept (execve)', async () => {
      for (const code of [0, 1, 2]) {
        const result = await world.run(via, 'terraform', ['plan', '-detailed-exitcode'], {
          env: { ...profileEnv, FAKE_TOOL_EXIT: String(code) },
        });
        assert.equal(result.exitCode, code, result.stderr);
        assert.equal(world.last('terraform').pid, result.pid, 'the tool runs in the PID the shim had');
      }
      const killed = await world.run(via, 'terraform', ['apply'], {
        env: { ...profileEnv, FAKE_TOOL_SIGNAL: 'SIGTERM' },
      });
      assert.equal(killed.signal, 'SIGTERM');
      assert.equal(world.last('terraform').pid, killed.pid);
    });

    test("stdin is piped through; stdout and stderr are the tool's alone", async () => {
      const input = 'line 1\nünïcødé\n\0binary\n';
      const result = await world.run(via, 'terraform', ['apply', '-'], {
        env: { ...profileEnv, FAKE_TOOL_STDOUT: 'out\n', FAKE_TOOL_STDERR: 'err\n' },
        input,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(world.last('terraform').stdin, input);
      assert.equal(result.stdout, 'out\n');
      assert.equal(result.stderr, 'err\n');
    });

    test('the tool gets the terminal the shim had', async () => {
      const session = spawnInPty(join(world.shimDir(via), 'terraform'), ['console'], {
        env: world.env(via, profileEnv),
        cwd: world.box.dir,
      });
      assert.deepEqual(await session.exited, { code: 0, signal: null });
      const record = world.last('terraform');
      assert.equal(record.stdinIsTTY, true);
      assert.equal(record.stdoutIsTTY, true);
      assert.deepEqual(record.argv, ['console']);
      assert.match(record.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
    });

    test('the shim directory twice on PATH, through a relative entry, and behind a symlink chain', async () => {
      const shims = world.shimDir(via);
      const fake = join(world.fakeBin, 'terraform');
      const twice = await world.run(via, 'terraform', ['plan'], {
        env: { ...profileEnv, PATH: `${shims}:${shims}:${world.fakeBin}:${BARE_PATH}` },
      });
      assert.equal(twice.exitCode, 0, twice.stderr);
      assert.equal(stackWithoutPids(world.last('terraform').env.TFMFA_SHIM_STACK), `terraform=${fake}`);

      const rel = relative(world.box.dir, shims);
      const relative_ = await world.run(via, 'terraform', ['plan'], {
        env: { ...profileEnv, PATH: `${rel}:./${rel}:${shims}/../${rel}:${world.fakeBin}:${BARE_PATH}` },
      });
      assert.equal(relative_.exitCode, 0, relative_.stderr);
      assert.equal(stackWithoutPids(world.last('terraform').env.TFMFA_SHIM_STACK), `terraform=${fake}`);

      // ~/bin/terraform → chain/terraform → shims/terraform (→ dist/cli.js for Node)
      const home = join(world.box.dir, `chain-${via}`);
      mkdirSync(join(home, 'bin'), { recursive: true });
      mkdirSync(join(home, 'chain'), { recursive: true });
      symlinkSync(join(shims, 'terraform'), join(home, 'chain', 'terraform'));
      symlinkSync(join(home, 'chain', 'terraform'), join(home, 'bin', 'terraform'));
      const chained = await world.run(via, 'terraform', ['plan'], {
        fullEnv: {
          ...world.env(via, profileEnv),
          PATH: `${home}/bin:${home}/chain:${shims}:${world.fakeBin}:${BARE_PATH}`,
        },
      });
      assert.equal(chained.exitCode, 0, chained.stderr);
      assert.equal(stackWithoutPids(world.last('terraform').env.TFMFA_SHIM_STACK), `terraform=${fake}`);
      assert.match(world.last('terraform').env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
    });

    test('no real binary on PATH: exit 127 and one line saying what to do', async () => {
      const shims = world.shimDir(via);
      const result = await world.run(via, 'terraform', ['plan'], {
        env: { ...profileEnv, PATH: `${shims}:${BARE_PATH}` },
      });
      assert.equal(result.exitCode, 127);
      assert.equal(
        result.stderr,
        `tfmfa: no real terraform found on PATH after the tfmfa shim (${shims}:${BARE_PATH}): install ` +
          `terraform or fix PATH\n`,
      );
    });

    test('a wrapper that calls terraform by name back through the shim is an error, not a fork bomb', async () => {
      const wrapDir = join(world.box.dir, `wrap-${via}`);
      mkdirSync(wrapDir, { recursive: true });
      writeFileSync(join(wrapDir, 'terraform'), '#!/bin/sh\nexec terraform "$@"\n', { mode: 0o755 });
      const started = Date.now();
      const result = await world.run(via, 'terraform', ['plan'], {
        env: { ...profileEnv, PATH: `${world.shimDir(via)}:${wrapDir}:${world.fakeBin}:${BARE_PATH}` },
        timeout: 30_000,
      });
      assert.equal(result.exitCode, 126, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`^tfmfa: loop: the terraform shim would start ${wrapDir}/terraform again`),
      );
      assert.equal(result.stderr.trim().split('\n').length, 1);
      assert.ok(Date.now() - started < 20_000);
    });

    test(
      'a profile that needs neither MFA nor a role, or does not exist: the tool runs with the ' + 'config overlay only',
      async () => {
        const overlayDir = join(world.box.cacheDir, 'overlay');
        for (const profile of ['GEHC-000', 'plain', 'no-such-profile', 'GEHC-000', 'plain', 'no-such-profile']) {
          const env = world.env(via, { AWS_PROFILE: profile, AWS_REGION: 'eu-north-1' });
          const result = await world.run(via, 'terraform', ['plan'], { fullEnv: env });
          assert.equal(result.exitCode, 0, `${profile}: ${result.stderr}`);
          const got = withoutStackPids(world.last('terraform').env);
          const overlayConfig = got.AWS_CONFIG_FILE ?? '';
          assert.ok(
            overlayConfig.startsWith(`${overlayDir}/`) && overlayConfig.endsWith('/config'),
            `${profile}: the overlay's config, not ${overlayConfig}`,
          );
          assert.deepEqual(
            got,
            {
              ...env,
              AWS_CONFIG_FILE: overlayConfig,
              AWS_SHARED_CREDENTIALS_FILE: join(overlayConfig, '..', 'credentials'),
              TFMFA_CONFIG_FILE: env.AWS_CONFIG_FILE,
              TFMFA_CREDENTIALS_FILE: env.AWS_SHARED_CREDENTIALS_FILE,
              AWS_DEFAULT_REGION: 'eu-north-1',
              TFMFA_SHIM_STACK: `terraform=${join(world.fakeBin, 'terraform')}`,
            },
            `${profile}: the overlay, no keys, no marker, AWS_PROFILE kept`,
          );
          if (profile === 'no-such-profile') {
            // Never silent when the selected profile does not exist: one line, every run (no ticket for it).
            assert.equal(
              result.stderr,
              "tfmfa: warning: profile 'no-such-profile' (AWS_PROFILE) not found: 'tfmfa list' shows the 7 " +
                'profile(s) defined in ' +
                `${env.AWS_CONFIG_FILE} and ${env.AWS_SHARED_CREDENTIALS_FILE} (running terraform anyway)\n`,
            );
          } else {
            assert.equal(result.stderr, '', `${profile}: no line in the normal case`);
          }
        }
        // A selected profile whose name holds a line break: still one line.
        const broken = await world.run(via, 'terraform', ['plan'], {
          fullEnv: world.env(via, { AWS_PROFILE: 'no-such\nprofile', AWS_REGION: 'eu-north-1' }),
        });
        assert.equal(broken.exitCode, 0, broken.stderr);
        assert.match(
          broken.stderr,
          /^tfmfa: warning: profile 'no-such profile' \(AWS_PROFILE\) not found: [^\n]*\(running terraform anyway\)\n$/,
        );
        // The second round came from the overlay-only tickets (the launcher without Node), except the missing profile.
        const fallbacks = world.fallbacks();
        for (const profile of ['GEHC-000', 'plain']) {
          await world.run(via, 'terraform', ['plan'], {
            fullEnv: world.env(via, { AWS_PROFILE: profile, AWS_REGION: 'eu-north-1' }),
          });
        }
        assertFast(fallbacks, 'overlay-only tickets');
        assert.equal(world.box.emu.count(), 0);
      },
    );

    test('commands that need no credentials never prompt and call no STS, even on a cold cache', async () => {
      const cold = join(world.box.dir, `cold-${via}`);
      const fallbacks = world.fallbacks();
      const cases: Array<[string, string[]]> = [
        ['terraform', ['version']],
        ['terraform', ['-chdir=x', 'fmt']],
        ['terraform', []],
        ['aws', ['--version']],
        ['aws', ['configure', 'list']],
        ['terragrunt', ['hclfmt']],
      ];
      for (const [tool, args] of cases) {
        const env = world.env(via, { ...profileEnv, TFMFA_CACHE_DIR: cold });
        const result = await world.run(via, tool, args, { fullEnv: env });
        assert.equal(result.exitCode, 0, `${tool} ${args.join(' ')}: ${result.stderr}`);
        const record = world.last(tool as 'terraform');
        assert.deepEqual(record.argv, args);
        assert.deepEqual(withoutStackPids(record.env), {
          ...env,
          TFMFA_SHIM_STACK: `${tool}=${join(world.fakeBin, tool)}`,
        });
      }
      assert.equal(world.box.emu.count(), 0);
      assert.equal(existsSync(join(cold, 'sessions')), false);
      assertFast(fallbacks, 'pass-through commands');
    });

    test(
      'a session in the environment (the marker): the environment is untouched, no STS call, ' +
        'even with a broken config',
      async () => {
        const fallbacks = world.fallbacks();
        const broken = join(world.box.dir, 'broken-config');
        writeFileSync(broken, '[profile GEHC-056\nrole_arn = \n[[[');
        const markers = [
          {
            TFMFA_PROFILE: 'GEHC-056',
            AWS_ACCESS_KEY_ID: 'ASIAOUTER',
            AWS_SECRET_ACCESS_KEY: 'outer',
            AWS_SESSION_TOKEN: 'tok',
          },
          { AWS_VAULT: 'prod', AWS_ACCESS_KEY_ID: 'ASIAVAULT', AWS_SECRET_ACCESS_KEY: 'vault' },
        ];
        for (const marker of markers) {
          const env = world.env(via, {
            ...marker,
            AWS_PROFILE: 'team-b',
            AWS_CONFIG_FILE: broken,
            AWS_SHARED_CREDENTIALS_FILE: broken,
            TFMFA_CACHE_DIR: '/nonexistent',
          });
          const result = await world.run(via, 'terraform', ['apply'], { fullEnv: env });
          assert.equal(result.exitCode, 0, result.stderr);
          assert.deepEqual(withoutStackPids(world.last('terraform').env), {
            ...env,
            TFMFA_SHIM_STACK: `terraform=${join(world.fakeBin, 'terraform')}`,
          });
        }
        assert.equal(world.box.emu.count(), 0);
        assertFast(fallbacks, 'marker');
      },
    );

    for (const terragruntViaShim of [false, true]) {
      test(
        `terragrunt ${terragruntViaShim ? 'through its shim' : 'run directly'} runs terraform 3× ` +
          `in parallel on a cold cache: one MFA code, one GetSessionToken`,
        async () => {
          const cache = join(world.box.dir, `par-cache-${via}-${terragruntViaShim}`);
          world.freshCode(); // a new TOTP window for mfa_process
          const runsBefore = world.box.mfaProcessRuns();
          const recordsBefore = world.records('terraform').length;
          const env = world.env(via, { AWS_PROFILE: 'par', TFMFA_CACHE_DIR: cache });
          const file = terragruntViaShim ? join(world.shimDir(via), 'terragrunt') : join(world.fakeBin, 'terragrunt');
          const { execa } = await import('execa');
          const result = await execa(file, ['run-all', 'plan'], {
            env,
            extendEnv: false,
            reject: false,
            cwd: world.box.dir,
            detached: true,
            stdin: 'ignore',
            timeout: 120_000,
          });
          assert.equal(result.exitCode, 0, String(result.stderr));
          assert.equal(world.box.mfaProcessRuns() - runsBefore, 1, 'mfa_process ran once');
          assert.equal(world.box.emu.count('GetSessionToken'), 1);
          assert.equal(world.box.emu.count('AssumeRole'), 1);
          const runs = world.records('terraform').slice(recordsBefore);
          assert.equal(runs.length, 3);
          assert.deepEqual(runs.map((r) => r.argv[1]).sort(), ['unit-1', 'unit-2', 'unit-3']);
          assert.equal(new Set(runs.map((r) => r.env.AWS_ACCESS_KEY_ID)).size, 1, 'one session for all');
          assert.ok(runs.every((r) => r.env.TFMFA_PROFILE === 'par'));
        },
      );
    }

    test('Ctrl-C in a real terminal reaches the tool exactly once', async () => {
      const session = spawnInPty(join(world.shimDir(via), 'terraform'), ['apply'], {
        env: world.env(via, { ...profileEnv, FAKE_TOOL_WAIT_SIGINT: '1' }),
        cwd: world.box.dir,
      });
      await session.waitFor('READY');
      session.write('\x03');
      const end = await session.exited;
      assert.equal(end.code, 130);
      assert.equal(world.last('terraform').sigints, 1);
    });

    test(
      'the Debian AWS CLI through the aws shim is the assumed role',
      { skip: !existsSync(AWS_CLI) && 'the AWS CLI is not installed' },
      async () => {
        const fallbacks = world.fallbacks();
        const env = world.env(via, { ...profileEnv, PATH: `${world.shimDir(via)}:${BARE_PATH}` });
        const result = await world.run(
          via,
          'aws',
          ['sts', 'get-caller-identity', '--endpoint-url', world.box.emu.url, '--output', 'json'],
          { fullEnv: env, timeout: 120_000 },
        );
        assert.equal(result.exitCode, 0, result.stderr);
        const identity = JSON.parse(result.stdout) as { Arn: string };
        assert.match(identity.Arn, /^arn:aws:sts::111111111111:assumed-role\/hc-master\/tfmfa-/);
        assertFast(fallbacks, 'aws');
      },
    );

    test('TFMFA_DEBUG=1 prints each decision on stderr, never a secret', async () => {
      const secrets = () => {
        const env = world.last('terraform').env;
        return [
          env.AWS_SECRET_ACCESS_KEY,
          env.AWS_SESSION_TOKEN,
          world.box.user.secretAccessKey,
          world.box.secret,
        ].filter((s): s is string => !!s);
      };
      const fake = join(world.fakeBin, 'terraform');
      const hit = await world.run(via, 'terraform', ['plan'], { env: { ...profileEnv, TFMFA_DEBUG: '1' } });
      assert.equal(hit.exitCode, 0, hit.stderr);
      assert.match(hit.stderr, new RegExp(`tfmfa\\[debug\\] shim terraform: real binary ${fake}\n`));
      assert.match(hit.stderr, /tfmfa\[debug\] profile 'GEHC-056': ticket hit\n/);

      rmSync(join(world.box.cacheDir, 'tickets', 'GEHC-056.ticket'));
      const miss = await world.run(via, 'terraform', ['plan'], { env: { ...profileEnv, TFMFA_DEBUG: '1' } });
      assert.equal(miss.exitCode, 0, miss.stderr);
      assert.match(miss.stderr, /profile 'GEHC-056': no valid ticket, resolving\n/);
      assert.match(miss.stderr, /cache hit: /);
      assert.match(miss.stderr, /profile 'GEHC-056': cached session, ticket written\n/);
      assert.ok(existsSync(join(world.box.cacheDir, 'tickets', 'GEHC-056.ticket')), 'the ticket is back');

      const marker = await world.run(via, 'terraform', ['plan'], {
        env: { TFMFA_PROFILE: 'x', AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'outer-secret', TFMFA_DEBUG: '1' },
      });
      assert.match(marker.stderr, /session for 'x' already in the environment: passing through/);
      const version = await world.run(via, 'terraform', ['version'], { env: { ...profileEnv, TFMFA_DEBUG: '1' } });
      assert.match(version.stderr, /'terraform version' needs no credentials: passing through/);
      rmSync(join(world.box.cacheDir, 'tickets', 'GEHC-000.ticket'), { force: true });
      const plain = await world.run(via, 'terraform', ['plan'], { env: { AWS_PROFILE: 'GEHC-000', TFMFA_DEBUG: '1' } });
      assert.match(plain.stderr, /profile 'GEHC-000' needs neither MFA nor a role\n/);
      assert.match(
        plain.stderr,
        new RegExp(
          String.raw`profile 'GEHC-000': no session of its own, the tool gets the config overlay \(\d+ ` +
            String.raw`profile\(s\) through credential_process\)\n`,
        ),
      );

      // A global option is not the subcommand (issue 20, item 10).
      const aws = await world.run(
        via,
        'aws',
        ['--profile', 'GEHC-056', '--region', 'eu-west-1', 'sts', 'get-caller-identity'],
        { env: { ...profileEnv, TFMFA_DEBUG: '1' } },
      );
      assert.match(aws.stderr, /'aws sts' is not a long run: static keys\n/);
      assert.doesNotMatch(aws.stderr, /'aws --/);
      const configure = await world.run(via, 'aws', ['--profile', 'GEHC-056', 'configure', 'list'], {
        env: { ...profileEnv, TFMFA_DEBUG: '1' },
      });
      assert.match(configure.stderr, /'aws configure' needs no credentials: passing through\n/);

      for (const output of [
        hit.stderr,
        miss.stderr,
        marker.stderr,
        version.stderr,
        plain.stderr,
        aws.stderr,
        configure.stderr,
      ]) {
        for (const line of output.trim().split('\n')) assert.match(line, /^tfmfa\[debug\] /);
        for (const secret of [...secrets(), 'outer-secret'])
          assert.ok(!output.includes(secret), 'no secret in the debug output');
      }
    });

    test('a tool name that is a path or odd is refused with one line', async () => {
      const odd = 'terra form';
      const path = join(world.box.dir, `odd-${via}`, odd);
      mkdirSync(join(world.box.dir, `odd-${via}`), { recursive: true });
      if (via === 'node') symlinkSync(CLI, path);
      else writeLauncher(path, world.trapEntry);
      const { execa } = await import('execa');
      const env = world.env(via, profileEnv);
      const viaName = await execa(path, ['plan'], { env, extendEnv: false, reject: false, stdin: 'ignore' });
      assert.equal(viaName.exitCode, 2);
      assert.equal(
        String(viaName.stderr),
        `tfmfa: '${odd}' is not a tool name a shim can stand for: name the symlink after the tool (terraform, ` +
          `aws, ...)`,
      );
      for (const tool of ['../terraform', '/usr/bin/terraform', '', '..', 'a\nb']) {
        const result = await execa(process.execPath, [CLI, '__shim', tool, 'plan'], {
          env,
          extendEnv: false,
          reject: false,
          stdin: 'ignore',
        });
        assert.equal(result.exitCode, 2, JSON.stringify(tool));
        assert.equal(String(result.stderr).split('\n').length, 1, JSON.stringify(tool));
        assert.match(String(result.stderr), /is not a tool name a shim can stand for/);
      }
    });

    test(
      'any tool name works (a shim named tofu, packer): the real binary of that name runs ' + 'with the session',
      async () => {
        const dir = join(world.box.dir, `extra-${via}`);
        mkdirSync(dir, { recursive: true });
        const fake = createFakeTool(dir, 'packer');
        if (via === 'node') symlinkSync(CLI, join(world.shimDir(via), 'packer'));
        else writeLauncher(join(world.shimDir(via), 'packer'), world.trapEntry);
        const result = await world.run(via, 'packer', ['build', '.'], {
          env: { ...profileEnv, PATH: `${world.shimDir(via)}:${dir}:${BARE_PATH}` },
        });
        assert.equal(result.exitCode, 0, result.stderr);
        const [record] = readRecords(fake.recordsFile);
        assert.deepEqual(record?.argv, ['build', '.']);
        assert.equal(record?.env.TFMFA_PROFILE, 'GEHC-056');
      },
    );
  });
}
