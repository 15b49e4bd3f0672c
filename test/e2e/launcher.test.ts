// The shell launcher (src/shim/launcher/launcher.sh) against the Node shim: the same scenarios through both,
// the child's argv and environment compared byte for byte; the ticket checks; shells; odd PATHs.
//
// How a test knows which path ran: the launchers here have a "trap" baked in as their Node entry (see
// test/support/shim-world.ts): a two-line sh script that logs one line and execs dist/cli.js. A run that
// leaves the log alone never started Node. One test also proves it the blunt way: a launcher whose entry
// points nowhere (and no tfmfa on PATH, no dist/ beside it) still runs the tool with a valid ticket.
import { readSettings } from '../../src/environment/settings.ts';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { renderLauncher } from '../../src/shim/launcher/render.ts';
import { isPassthrough, PASSTHROUGH } from '../../src/shim/passthrough.ts';
import { LAUNCHER_MARKER } from '../../src/shim/real-binary.ts';
import { fileStamp } from '../../src/store/file-stamp.ts';
import { parseTicket, serializeTicket } from '../../src/store/ticket-format.ts';
import { createFakeTool, readRecords, type FakeToolRecord } from '../support/fake-tool.ts';
import { CLI, NODE_DIR, ROOT } from '../support/sandbox.ts';
import {
  cleanEnv,
  createShimWorld,
  stackWithoutPids,
  withoutStackPids,
  writeLauncher,
  type ShimWorld,
  type Via,
} from '../support/shim-world.ts';

const BARE_PATH = `${NODE_DIR}:/usr/bin:/bin`;
const hasCommand = (name: string) => ['/usr/bin', '/bin'].some((dir) => existsSync(join(dir, name)));

interface Outcome {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  record: FakeToolRecord | undefined;
}

describe('shell launcher', () => {
  let world: ShimWorld;
  /** One shim directory whose entries are swapped between Node symlinks and launcher files, so PATH is the same. */
  let cmp: string;
  let ticketPath: string;
  let goodTicket: string;

  const use = (via: Via, names = ['terraform', 'terragrunt', 'aws']) => {
    for (const name of names) {
      rmSync(join(cmp, name), { force: true });
      if (via === 'node') symlinkSync(CLI, join(cmp, name));
      else writeLauncher(join(cmp, name), world.trapEntry);
    }
  };
  const baseEnv = (extra: Record<string, string | undefined> = {}) =>
    cleanEnv({
      ...world.box.env,
      PATH: `${cmp}:${world.fakeBin}:${world.box.env.PATH}`,
      PWD: world.box.dir,
      SHLVL: '1',
      AWS_PROFILE: 'GEHC-056',
      ...extra,
    });

  /** Runs `cmp/tool args` as `via` and returns what the tool saw (undefined if it did not run). */
  const runAs = async (
    via: Via,
    tool: string,
    args: string[],
    env: Record<string, string>,
    options: { shell?: string[]; cwd?: string } = {},
  ): Promise<Outcome> => {
    use(via, [tool]);
    const recordsFile = join(world.fakeBin, `${tool}.records.jsonl`);
    const before = readRecords(recordsFile).length;
    const { execa } = await import('execa');
    const file = join(cmp, tool);
    const [command, commandArgs] = options.shell
      ? [options.shell[0] as string, [...options.shell.slice(1), file, ...args]]
      : [file, args];
    const result = await execa(command, commandArgs, {
      env,
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      cwd: options.cwd ?? world.box.dir,
      detached: true,
      stdin: 'ignore',
      timeout: 60_000,
    });
    const records = readRecords(recordsFile);
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      stdout: String(result.stdout),
      stderr: String(result.stderr),
      record: records.length > before ? records.at(-1) : undefined,
    };
  };

  const assertSame = (launcher: Outcome, node: Outcome, what: string, served = false) => {
    if (served) {
      // Server mode: each run has its own port and token; everything else must be the same.
      for (const outcome of [launcher, node]) {
        assert.match(
          outcome.record?.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '',
          /^http:\/\/127\.0\.0\.1:\d+\/credentials$/,
          `${what}: served`,
        );
        for (const name of ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'])
          if (outcome.record) outcome.record.env[name] = 'per-run';
      }
    }
    assert.equal(launcher.exitCode, node.exitCode, `${what}: exit code (${launcher.stderr} / ${node.stderr})`);
    assert.equal(launcher.stdout, node.stdout, `${what}: stdout`);
    assert.equal(launcher.stderr, node.stderr, `${what}: stderr`);
    assert.ok(launcher.record && node.record, `${what}: the tool ran both times`);
    assert.deepEqual(launcher.record.argv, node.record.argv, `${what}: argv`);
    assert.deepEqual(withoutStackPids(launcher.record.env), withoutStackPids(node.record.env), `${what}: environment`);
  };

  before(async () => {
    world = await createShimWorld();
    cmp = join(world.box.dir, 'cmp-shims');
    mkdirSync(cmp);
    await world.warm();
    ticketPath = join(world.box.cacheDir, 'tickets', 'GEHC-056.ticket');
    goodTicket = readFileSync(ticketPath, 'utf8');
  });
  after(() => world.cleanup());
  beforeEach(() => world.box.emu.resetCounts());

  /** Puts the warm ticket back (content, mode, owner) and its deadline an hour ahead. */
  const restoreTicket = () => {
    // The AWS files as they are now (a test may have moved their mtimes): the ticket Node would write.
    for (const [word, file] of [
      ['config', world.box.env.AWS_CONFIG_FILE],
      ['credentials', world.box.env.AWS_SHARED_CREDENTIALS_FILE],
    ] as const) {
      goodTicket = goodTicket.replace(
        new RegExp(`^${word}_id .*$`, 'm'),
        `${word}_id ${fileStamp(file as string)?.id ?? '-'}`,
      );
    }
    rmSync(ticketPath, { force: true });
    writeFileSync(ticketPath, goodTicket, { mode: 0o600 });
    const deadline = join(world.box.cacheDir, 'tickets', 'GEHC-056.deadline');
    writeFileSync(deadline, '', { mode: 0o600 });
    const inAnHour = Date.now() / 1000 + 3600;
    utimesSync(deadline, inAnHour, inAnHour);
    const clock = join(world.box.cacheDir, 'tickets', '.clock');
    if (!existsSync(clock)) writeFileSync(clock, '', { mode: 0o600 });
  };

  describe(
    'the same scenarios through Node and through the launcher give the tool the same argv and ' + 'environment',
    () => {
      const weird = 'multi\nline $(touch /tmp/tfmfa-pwned-env) `id` ; \'q\' "dq" \\ ünï';
      const scenarios: Array<{
        name: string;
        tool?: string;
        args?: string[];
        env?: Record<string, string | undefined>;
        path: 'fast' | 'node';
        warm?: Record<string, string | undefined>;
        served?: boolean;
      }> = [
        { name: 'AWS_PROFILE with a ticket', args: ['plan', '-out=x'], path: 'fast' },
        { name: 'AWS_DEFAULT_PROFILE', env: { AWS_PROFILE: undefined, AWS_DEFAULT_PROFILE: 'GEHC-056' }, path: 'fast' },
        {
          name: 'TFMFA_DEFAULT_PROFILE',
          env: { AWS_PROFILE: undefined, TFMFA_DEFAULT_PROFILE: 'GEHC-056' },
          path: 'fast',
        },
        {
          name: 'an empty AWS_PROFILE falls to AWS_DEFAULT_PROFILE',
          env: { AWS_PROFILE: '', AWS_DEFAULT_PROFILE: 'GEHC-056' },
          path: 'fast',
        },
        {
          name: 'stale profile and token variables',
          env: {
            AWS_DEFAULT_PROFILE: 'x',
            AWS_SECURITY_TOKEN: 'old',
            AWS_SESSION_EXPIRATION: 'old',
            AWS_SESSION_TOKEN: 'old',
            AWS_CREDENTIAL_EXPIRATION: 'old',
          },
          path: 'fast',
        },
        { name: 'AWS_REGION set', env: { AWS_REGION: 'ap-south-1' }, path: 'fast' },
        { name: 'AWS_DEFAULT_REGION set', env: { AWS_DEFAULT_REGION: 'eu-central-1' }, path: 'fast' },
        {
          name: 'both regions set',
          env: { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-central-1' },
          path: 'fast',
        },
        { name: 'empty region variables', env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' }, path: 'fast' },
        { name: 'a role chain with its own region', env: { AWS_PROFILE: 'team-c' }, path: 'fast' },
        { name: 'TFMFA_OVERLAY=0', env: { TFMFA_OVERLAY: '0' }, path: 'fast' },
        { name: 'TFMFA_MIN_TTL=600', env: { TFMFA_MIN_TTL: '600' }, path: 'fast' },
        { name: 'TFMFA_MIN_TTL=0300', env: { TFMFA_MIN_TTL: '0300' }, path: 'fast' },
        { name: 'TFMFA_MIN_TTL=10m (not the number the ticket holds)', env: { TFMFA_MIN_TTL: '10m' }, path: 'node' },
        {
          name: 'TFMFA_CONFIG_FILE/TFMFA_CREDENTIALS_FILE set (inside a session without keys)',
          env: {
            TFMFA_CONFIG_FILE: '@dir/home/.aws/config',
            TFMFA_CREDENTIALS_FILE: '@dir/home/.aws/credentials',
            AWS_CONFIG_FILE: '/elsewhere/config',
          },
          path: 'fast',
        },
        {
          name: 'AWS files at their default place under HOME',
          env: { AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined },
          path: 'fast',
        },
        {
          name: 'the cache under XDG_CACHE_HOME',
          env: { TFMFA_CACHE_DIR: undefined, XDG_CACHE_HOME: '@dir/xdg' },
          warm: { TFMFA_CACHE_DIR: undefined, XDG_CACHE_HOME: '@dir/xdg' },
          path: 'fast',
        },
        {
          name: 'the cache under HOME',
          env: { TFMFA_CACHE_DIR: undefined },
          warm: { TFMFA_CACHE_DIR: undefined },
          path: 'fast',
        },
        {
          name: 'our marker',
          env: { TFMFA_PROFILE: 'outer', AWS_ACCESS_KEY_ID: 'ASIAOUTER', AWS_SECRET_ACCESS_KEY: 'outer' },
          path: 'fast',
        },
        {
          name: "aws-vault's marker",
          env: { AWS_VAULT: 'outer', AWS_ACCESS_KEY_ID: 'ASIAOUTER', AWS_SECRET_ACCESS_KEY: 'outer' },
          path: 'fast',
        },
        {
          name: 'a marker without a secret key is no marker',
          env: { TFMFA_PROFILE: 'outer', AWS_ACCESS_KEY_ID: 'ASIAOUTER' },
          path: 'fast',
        },
        {
          name: 'our marker with an exec --server endpoint',
          env: {
            TFMFA_PROFILE: 'outer',
            AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/credentials',
            AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok',
          },
          path: 'fast',
        },
        {
          name: 'a marker with an endpoint but no token is no marker',
          env: { TFMFA_PROFILE: 'outer', AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/credentials' },
          path: 'fast',
        },
        { name: 'terraform version', args: ['version'], path: 'fast' },
        { name: 'terraform -chdir=a -chdir=b validate', args: ['-chdir=a', '-chdir=b', 'validate'], path: 'fast' },
        { name: 'terraform with only -chdir', args: ['-chdir=a'], path: 'fast' },
        { name: 'terraform ""', args: [''], path: 'fast' },
        { name: 'aws help', tool: 'aws', args: ['help'], path: 'fast' },
        { name: 'aws s3 ls', tool: 'aws', args: ['s3', 'ls'], path: 'fast' },
        { name: 'terragrunt --version', tool: 'terragrunt', args: ['--version'], path: 'fast' },
        {
          name: 'TFMFA_PASSTHROUGH override',
          args: ['plan'],
          env: { TFMFA_PASSTHROUGH: 'terraform:plan,apply aws:' },
          path: 'node',
        },
        { name: 'TFMFA_DEBUG=1', env: { TFMFA_DEBUG: '1' }, path: 'node' },
        {
          name: 'a long run: terraform apply gets the server',
          args: ['-chdir=x', 'apply'],
          env: { TFMFA_LONG_RUN: undefined },
          path: 'node',
          served: true,
        },
        {
          name: 'a long run: terragrunt run-all apply',
          tool: 'terragrunt',
          args: ['run-all', 'apply'],
          env: { TFMFA_LONG_RUN: undefined },
          path: 'node',
          served: true,
        },
        {
          name: 'a long run: terragrunt output --all',
          tool: 'terragrunt',
          args: ['output', '--all'],
          env: { TFMFA_LONG_RUN: undefined },
          path: 'node',
          served: true,
        },
        { name: 'no long run: terraform output', args: ['output'], env: { TFMFA_LONG_RUN: undefined }, path: 'fast' },
        {
          name: 'TFMFA_LONG_RUN=0: terraform apply on the fast path',
          args: ['apply'],
          env: { TFMFA_LONG_RUN: '0' },
          path: 'fast',
        },
        {
          name: 'a TFMFA_LONG_RUN list is for Node to read',
          args: ['apply'],
          env: { TFMFA_LONG_RUN: 'terraform:output' },
          path: 'node',
        },
        { name: 'a profile with static keys only (the overlay only)', env: { AWS_PROFILE: 'GEHC-000' }, path: 'fast' },
        { name: 'a profile with no credentials (the overlay only)', env: { AWS_PROFILE: 'plain' }, path: 'fast' },
        { name: 'a profile that does not exist', env: { AWS_PROFILE: 'nope' }, path: 'node' },
        { name: 'a profile name with a space', env: { AWS_PROFILE: 'GEHC 056' }, path: 'node' },
        { name: 'a profile name with unicode', env: { AWS_PROFILE: 'GEHC-05ü' }, path: 'node' },
        { name: 'a profile name that is a path', env: { AWS_PROFILE: '../tickets/GEHC-056' }, path: 'node' },
        {
          name: 'aws --profile X configure list: needs no credentials after the global option',
          tool: 'aws',
          args: ['--profile', 'GEHC-056', 'configure', 'list'],
          path: 'fast',
        },
        {
          name: 'aws --region=X --debug --profile: an option missing its value',
          tool: 'aws',
          args: ['--region=eu-west-1', '--debug', '--profile'],
          path: 'fast',
        },
        {
          name: 'aws --profile configure s3 ls: a value is not the subcommand',
          tool: 'aws',
          args: ['--profile', 'configure', 's3', 'ls'],
          path: 'fast',
        },
        {
          name: 'odd values elsewhere in the environment',
          env: { ODD: weird, EMPTY: '' },
          args: ['plan', weird, '', '--'],
          path: 'fast',
        },
        {
          name: 'an outer shim stack',
          tool: 'terraform',
          env: { TFMFA_SHIM_STACK: 'terragrunt=/opt/bin/terragrunt' },
          path: 'fast',
        },
        { name: 'an empty shim stack variable', env: { TFMFA_SHIM_STACK: '' }, path: 'fast' },
        {
          name: 'a variable the launcher uses internally',
          env: { _tf_tool: 'clash', _tf_real: '/bin/false' },
          path: 'node',
        },
        { name: 'no HOME, everything explicit', env: { HOME: undefined }, path: 'fast' },
      ];

      for (const scenario of scenarios) {
        test(scenario.name, async () => {
          const fill = (values: Record<string, string | undefined>) =>
            Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v?.replace('@dir', world.box.dir)]));
          const env = baseEnv(fill(scenario.env ?? {}));
          const tool = scenario.tool ?? 'terraform';
          const args = scenario.args ?? ['plan'];
          if (scenario.warm) await world.warm('GEHC-056', cleanEnv({ ...world.box.env, ...fill(scenario.warm) }));
          world.box.emu.resetCounts();
          // Node first: it writes the ticket these settings call for (from the session cache, no prompt).
          await runAs('node', tool, args, env);
          const fallbacks = world.fallbacks();
          const launcher = await runAs('launcher', tool, args, env);
          assert.equal(
            world.fallbacks() - fallbacks,
            scenario.path === 'fast' ? 0 : 1,
            `the launcher ${scenario.path === 'fast' ? 'handled it alone' : 'handed over to Node'}`,
          );
          const node = await runAs('node', tool, args, env);
          assertSame(launcher, node, scenario.name, scenario.served);
          assert.equal(existsSync('/tmp/tfmfa-pwned-env'), false);
          assert.equal(world.box.emu.count('GetSessionToken'), 0);
        });
      }
    },
  );

  describe('the ticket', () => {
    beforeEach(restoreTicket);

    /**
     * Runs the launcher and then Node (same env) and checks both gave the tool the same. Returns the launcher's
     * fallbacks.
     */
    const compare = async (what: string, env = baseEnv(), prepare: () => void = () => undefined) => {
      prepare();
      const fallbacks = world.fallbacks();
      const launcher = await runAs('launcher', 'terraform', ['plan'], env);
      const used = world.fallbacks() - fallbacks;
      prepare();
      const node = await runAs('node', 'terraform', ['plan'], env);
      assertSame(launcher, node, what);
      return { used, launcher, node };
    };

    test('a valid ticket: the launcher alone, and Node can be unreachable', async () => {
      assert.equal((await compare('valid')).used, 0);
      // A launcher copy whose baked entry is gone, with no dist/ beside it and no tfmfa on PATH.
      const lone = join(world.box.dir, 'lone');
      mkdirSync(lone, { recursive: true });
      writeLauncher(join(lone, 'terraform'), '/nonexistent/tfmfa/dist/cli.js');
      const { execa } = await import('execa');
      const env = baseEnv({ PATH: `${lone}:${world.fakeBin}:${BARE_PATH}` });
      const fast = await execa(join(lone, 'terraform'), ['plan'], {
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        cwd: world.box.dir,
      });
      assert.equal(fast.exitCode, 0, String(fast.stderr));
      assert.match(world.last('terraform').env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      const slow = await execa(join(lone, 'terraform'), ['plan'], {
        env: { ...env, AWS_PROFILE: 'team-b-nope' },
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        cwd: world.box.dir,
      });
      assert.equal(slow.exitCode, 127);
      assert.equal(
        String(slow.stderr),
        'tfmfa: the terraform shim cannot find tfmfa (no dist/cli.js beside it, no tfmfa on PATH): reinstall ' +
          "tfmfa, then run 'tfmfa shim install --force'",
      );
    });

    /** Makes the ticket older than `file` (both in the past, so that a rewritten ticket is newer again). */
    const olderThan = (file: string) => {
      const now = Date.now() / 1000;
      utimesSync(ticketPath, now - 20, now - 20);
      utimesSync(file, now - 10, now - 10);
    };
    const invalidating: Array<[string, () => void]> = [
      [
        'its deadline has passed',
        () =>
          utimesSync(
            join(world.box.cacheDir, 'tickets', 'GEHC-056.deadline'),
            Date.now() / 1000 - 5,
            Date.now() / 1000 - 5,
          ),
      ],
      ['its deadline stamp is missing', () => rmSync(join(world.box.cacheDir, 'tickets', 'GEHC-056.deadline'))],
      ['the config file is newer', () => olderThan(world.box.env.AWS_CONFIG_FILE as string)],
      ['the credentials file is newer', () => olderThan(world.box.env.AWS_SHARED_CREDENTIALS_FILE as string)],
      ['it belongs to another user', () => chownSync(ticketPath, 4242, 4242)],
      [
        'the tickets directory belongs to another user',
        () => chownSync(join(world.box.cacheDir, 'tickets'), 4242, 4242),
      ],
      [
        'it is a symlink',
        () => {
          copyFileSync(ticketPath, `${ticketPath}.real`);
          unlinkSync(ticketPath);
          symlinkSync(`${ticketPath}.real`, ticketPath);
        },
      ],
      ['it is gone', () => rmSync(ticketPath)],
    ];
    for (const [name, spoil] of invalidating) {
      test(`refused when ${name}: Node decides (and writes a good ticket again)`, async () => {
        spoil();
        const fallbacks = world.fallbacks();
        const launcher = await runAs('launcher', 'terraform', ['plan'], baseEnv());
        assert.equal(world.fallbacks() - fallbacks, 1, 'handed over to Node');
        assert.equal(launcher.exitCode, 0, launcher.stderr);
        assert.match(launcher.record?.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
        chownSync(join(world.box.cacheDir, 'tickets'), 0, 0);
        // The next run is fast again: Node rewrote the ticket.
        const again = world.fallbacks();
        await runAs('launcher', 'terraform', ['plan'], baseEnv());
        assert.equal(world.fallbacks(), again, 'fast again');
        rmSync(`${ticketPath}.real`, { force: true });
        assert.equal(world.box.emu.count('GetSessionToken'), 0);
      });
    }

    test('a symlinked .clock stamp is refused and its target left alone', async () => {
      const victim = join(world.box.dir, 'victim');
      writeFileSync(victim, 'precious');
      const clock = join(world.box.cacheDir, 'tickets', '.clock');
      rmSync(clock, { force: true });
      symlinkSync(victim, clock);
      const fallbacks = world.fallbacks();
      const result = await runAs('launcher', 'terraform', ['plan'], baseEnv());
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(world.fallbacks() - fallbacks, 1);
      assert.equal(readFileSync(victim, 'utf8'), 'precious');
      unlinkSync(clock);
    });

    test('shell metacharacters and newlines in values arrive verbatim and are never executed', async () => {
      const pwned = join(world.box.dir, 'pwned');
      const ticket = parseTicket(goodTicket);
      assert.ok(ticket);
      const nasty = {
        TFMFA_META:
          `$(touch ${pwned})\n\`touch ${pwned}\`; touch ${pwned}\n'"\\ * ? [a] ~ $HOME \${HOME} && ` +
          `|| | > ${pwned}`,
        TFMFA_EMPTY: '',
        TFMFA_NEWLINES: '\n\nend\nset PATH 1\n/tmp\n',
        TFMFA_SPACES: '  leading and trailing  ',
        AWS_X_UNICODE: 'ünïcødé ✓',
      };
      ticket.changes.set = { ...ticket.changes.set, ...nasty };
      const text = serializeTicket(ticket);
      assert.ok(text);
      const { used, launcher } = await compare('metacharacters', baseEnv(), () =>
        writeFileSync(ticketPath, text, { mode: 0o600 }),
      );
      assert.equal(used, 0, 'the launcher applied it itself');
      for (const [name, value] of Object.entries(nasty)) assert.equal(launcher.record?.env[name], value, name);
      assert.equal(launcher.record?.env.PATH, baseEnv().PATH);
      assert.equal(existsSync(pwned), false, 'nothing ran');
    });

    test('a ticket can never set PATH, LD_PRELOAD or any variable outside AWS_*/TFMFA_*', async () => {
      for (const line of [
        'set PATH 1\n/tmp/evil',
        'set LD_PRELOAD 1\n/tmp/evil.so',
        'unset PATH',
        'set aws_lower 1\nx',
        'set AWS_ 1\nx',
        'set AWSX_Y 1\nx',
        'set BASH_ENV 1\n/tmp/evil',
        'unset HOME',
      ]) {
        const text = goodTicket.replace(/\nend\n$/, `\n${line}\nend\n`);
        assert.equal(parseTicket(text), null, `Node refuses ${line}`);
        const { used, launcher } = await compare(line, baseEnv(), () =>
          writeFileSync(ticketPath, text, { mode: 0o600 }),
        );
        assert.equal(used, 1, `the launcher refuses ${line}`);
        assert.equal(launcher.record?.env.LD_PRELOAD, undefined);
        assert.equal(launcher.record?.env.PATH, baseEnv().PATH);
        assert.equal(launcher.record?.env.HOME, baseEnv().HOME);
        assert.equal(launcher.record?.env.BASH_ENV, undefined);
      }
    });

    test('anything unexpected in the ticket hands over to Node, exactly when Node refuses it too', async () => {
      const lines = goodTicket.split('\n');
      const variants: Array<[string, string]> = [
        ['the good one', goodTicket],
        ['no header', lines.slice(1).join('\n')],
        ['another header', goodTicket.replace('tfmfa-ticket 2', 'tfmfa-ticket 1')],
        ['no end', goodTicket.replace(/end\n$/, '')],
        ['no final newline', goodTicket.replace(/\n$/, '')],
        ['something after end', `${goodTicket}set AWS_X 1\nx\n`],
        ['a partial line after end', `${goodTicket}junk`],
        ['an empty line', goodTicket.replace('\nregion', '\n\nregion')],
        ['an unknown keyword', goodTicket.replace('\nregion', '\nexport FOO\nregion')],
        ['a value count of 0', goodTicket.replace(/\nend\n$/, '\nset AWS_X 0\nend\n')],
        ['a value count with a leading zero', goodTicket.replace(/\nend\n$/, '\nset AWS_X 01\nx\nend\n')],
        ['a value count past the end', goodTicket.replace(/\nend\n$/, '\nset AWS_X 3\nx\nend\n')],
        ['a huge value count', goodTicket.replace(/\nend\n$/, '\nset AWS_X 99999999999999999999\nx\nend\n')],
        ['two spaces in a set line', goodTicket.replace(/\nend\n$/, '\nset AWS_X  1\nx\nend\n')],
        ['a set line without a count', goodTicket.replace(/\nend\n$/, '\nset AWS_X\nx\nend\n')],
        ['a value line that says end', goodTicket.replace(/\nend\n$/, '\nset AWS_X 2\nend\nend\nend\n')],
        ['min_ttl with leading zeros', goodTicket.replace('min_ttl 300', 'min_ttl 000300')],
        ['a value count of 00', goodTicket.replace(/\nend\n$/, '\nset AWS_X 00\nend\n')],
        [
          'a value count of 010 (octal 8 to a shell)',
          goodTicket.replace(
            /\nend\n$/,
            '\nset AWS_X 010\n1\n2\n3\n4\n5\n6\n7\n8\nset LD_PRELOAD 1\n/tmp/evil.so\nend\n',
          ),
        ],
        ['a value count of 08', goodTicket.replace(/\nend\n$/, '\nset AWS_X 08\n1\n2\n3\n4\n5\n6\n7\n8\nend\n')],
        ['a value count of +1', goodTicket.replace(/\nend\n$/, '\nset AWS_X +1\nx\nend\n')],
        ['a value count of 7 digits', goodTicket.replace(/\nend\n$/, '\nset AWS_X 1000000\nx\nend\n')],
        [
          'a bad min_ttl before a good one (the last counts)',
          goodTicket.replace('min_ttl 300', 'min_ttl 0300\nmin_ttl 300'),
        ],
        ['a deadline with a leading zero', goodTicket.replace(/^deadline /m, 'deadline 0')],
        ['no deadline', goodTicket.replace(/^deadline .*\n/m, '')],
        ['a deadline of 13 digits', goodTicket.replace(/^deadline .*$/m, 'deadline 1000000000000')],
        [
          'another profile (Prod for prod on a case-insensitive disk)',
          goodTicket.replace('profile GEHC-056', 'profile gehc-056'),
        ],
        ['no profile', goodTicket.replace(/^profile .*\n/m, '')],
        ['a config id with three parts', goodTicket.replace(/^(config_id \d+:\d+:\d+):\d+$/m, '$1')],
        ['a config id with five parts', goodTicket.replace(/^(config_id .*)$/m, '$1:1')],
        ['a config id with a leading zero', goodTicket.replace(/^config_id /m, 'config_id 0')],
        ['no config id', goodTicket.replace(/^config_id .*\n/m, '')],
        ['a relative config path', goodTicket.replace(/^config \//m, 'config ')],
        [
          'config "-" for a file that exists',
          goodTicket.replace(/^config .*$/m, 'config -').replace(/^config_id .*$/m, 'config_id -'),
        ],
        ['config "-" with an id', goodTicket.replace(/^config .*$/m, 'config -')],
        ['min_ttl not a number', goodTicket.replace('min_ttl 300', 'min_ttl 3e2')],
        ['min_ttl of other settings', goodTicket.replace('min_ttl 300', 'min_ttl 301')],
        ['overlay 2', goodTicket.replace('overlay 1', 'overlay 2')],
        ['overlay of other settings', goodTicket.replace('overlay 1', 'overlay 0')],
        ["no overlay line (Node's default: on)", goodTicket.replace('overlay 1\n', '')],
        ['another config file', goodTicket.replace(/^config .*$/m, 'config /elsewhere/config')],
        ['no config line', goodTicket.replace(/^config .*\n/m, '')],
        ['an empty config', goodTicket.replace(/^config .*$/m, 'config ')],
        ['another credentials file', goodTicket.replace(/^credentials .*$/m, 'credentials /elsewhere/credentials')],
        ['an empty region', goodTicket.replace(/^region .*$/m, 'region ')],
        ['no region', goodTicket.replace(/^region .*\n/m, '')],
        ['a duplicated set (the last wins)', goodTicket.replace(/\nend\n$/, '\nset TFMFA_PROFILE 1\nsecond\nend\n')],
        ['set and unset of the same name (set wins)', goodTicket.replace(/\nend\n$/, '\nunset TFMFA_PROFILE\nend\n')],
        [
          'a ticket that sets the region itself',
          goodTicket.replace(/\nend\n$/, '\nset AWS_REGION 1\nticket-region\nend\n'),
        ],
        [
          'a ticket that unsets the shim stack',
          goodTicket.replace(/\nend\n$/, '\nunset TFMFA_SHIM_STACK\nset TFMFA_SHIM_STACK 1\nfrom-ticket\nend\n'),
        ],
        ['a CR at a line end', goodTicket.replace('overlay 1', 'overlay 1\r')],
        ['an empty file', ''],
      ];
      for (const [name, text] of variants) {
        const envs = /region/.test(name) ? [baseEnv(), baseEnv({ AWS_REGION: 'ap-south-1' })] : [baseEnv()];
        for (const env of envs) {
          const { used, launcher } = await compare(name, env, () => writeFileSync(ticketPath, text, { mode: 0o600 }));
          const parsed = parseTicket(text);
          const good = parseTicket(goodTicket);
          const nodeTakesIt =
            parsed !== null &&
            parsed.profile === 'GEHC-056' &&
            parsed.minTtl === 300 &&
            parsed.overlay &&
            JSON.stringify([parsed.config, parsed.credentials]) === JSON.stringify([good?.config, good?.credentials]);
          assert.equal(used, nodeTakesIt ? 0 : 1, `${name}: the launcher takes the ticket exactly when Node does`);
          assert.equal(launcher.exitCode, 0, `${name}: ${launcher.stderr}`);
        }
      }
    });
  });

  describe('shells and PATHs', () => {
    beforeEach(restoreTicket);

    for (const shell of [['dash'], ['bash', '--posix'], ['sh']]) {
      test(
        `run by ${shell.join(' ')}: the same as Node`,
        { skip: !hasCommand(shell[0] as string) && `${shell[0]} is not installed` },
        async () => {
          for (const [args, extra] of [
            [['plan', 'a b', ''], {}],
            [['version'], {}],
            [['plan'], { AWS_PROFILE: 'plain' }],
            [['plan'], { TFMFA_PROFILE: 'x', AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'B' }],
          ] as Array<[string[], Record<string, string>]>) {
            const env = baseEnv(extra);
            const fallbacks = world.fallbacks();
            const launcher = await runAs('launcher', 'terraform', args, env, { shell });
            if (!extra.AWS_PROFILE) assert.equal(world.fallbacks(), fallbacks, 'fast path');
            const node = await runAs('node', 'terraform', args, env);
            assertSame(launcher, node, `${shell.join(' ')} ${args.join(' ')}`);
          }
        },
      );
    }

    test(
      'documented differences of a /bin/sh launcher: argv[0], PWD, names that are not shell identifiers',
      { skip: !hasCommand('dash') && 'dash is not installed' },
      async () => {
        // The tool's argv[0] is the path the launcher found (sh's exec has no -a), Node passes the bare name.
        const realDir = join(world.box.dir, 'argv0');
        mkdirSync(realDir, { recursive: true });
        writeFileSync(join(realDir, 'terraform'), `#!/bin/sh\nprintf '%s\\n' "$0" >'${realDir}/argv0'\n`, {
          mode: 0o755,
        });
        const env = baseEnv({ PATH: `${cmp}:${realDir}:${BARE_PATH}` });
        await runAs('launcher', 'terraform', ['plan'], env, { shell: ['dash'] });
        assert.equal(readFileSync(join(realDir, 'argv0'), 'utf8'), `${realDir}/terraform\n`);
        // dash exports PWD (the current directory) when the caller did not, and drops variables whose names it
        // cannot hold; a shell that runs terraform always exports PWD, and such names are rare.
        const odd = baseEnv({ PWD: undefined, 'NOT-AN-IDENTIFIER': 'x' });
        const launcher = await runAs('launcher', 'terraform', ['plan'], odd, { shell: ['dash'] });
        const node = await runAs('node', 'terraform', ['plan'], odd);
        assert.equal(launcher.record?.env.PWD, world.box.dir);
        assert.equal(node.record?.env.PWD, undefined);
        assert.equal(launcher.record?.env['NOT-AN-IDENTIFIER'], undefined);
        assert.equal(node.record?.env['NOT-AN-IDENTIFIER'], 'x');
        const { PWD: _a, ...launcherRest } = launcher.record?.env ?? {};
        const { PWD: _b, 'NOT-AN-IDENTIFIER': _c, ...nodeRest } = node.record?.env ?? {};
        assert.deepEqual(withoutStackPids(launcherRest), withoutStackPids(nodeRest), 'nothing else differs');
      },
    );

    test('PATH entries with spaces', async () => {
      const spaced = join(world.box.dir, 'dir with  spaces', 'bin');
      const fake = createFakeTool(spaced, 'terraform');
      const env = baseEnv({ PATH: `${cmp}:${spaced}:${BARE_PATH}` });
      const fallbacks = world.fallbacks();
      const launcher = await runAs('launcher', 'terraform', ['plan'], env);
      assert.equal(world.fallbacks(), fallbacks);
      const node = await runAs('node', 'terraform', ['plan'], env);
      const [first, second] = readRecords(fake.recordsFile);
      assert.equal(launcher.record, undefined, 'the fake in fake-bin did not run');
      assert.ok(first && second);
      assert.deepEqual(withoutStackPids(first.env), withoutStackPids(second.env));
      assert.equal(stackWithoutPids(first.env.TFMFA_SHIM_STACK), `terraform=${spaced}/terraform`);
      assert.equal(node.exitCode, 0);
    });

    test('empty and relative PATH entries: the same tool, the stack naming it by the same file', async () => {
      const cwd = join(world.box.dir, 'work');
      const fake = createFakeTool(cwd, 'terraform');
      createFakeTool(join(cwd, 'rel'), 'aws');
      for (const [tool, path, recordsFile] of [
        ['terraform', `${cmp}::${BARE_PATH}`, fake.recordsFile],
        ['terraform', `${cmp}:${BARE_PATH}:`, fake.recordsFile],
        ['aws', `${cmp}:rel:${BARE_PATH}`, join(cwd, 'rel', 'aws.records.jsonl')],
      ] as const) {
        const env = baseEnv({ PATH: path, PWD: cwd });
        const count = readRecords(recordsFile).length;
        const fallbacks = world.fallbacks();
        await runAs('launcher', tool, ['s3', 'ls'], env, { cwd });
        assert.equal(world.fallbacks(), fallbacks, `${path}: fast`);
        await runAs('node', tool, ['s3', 'ls'], env, { cwd });
        const [launcher, node] = readRecords(recordsFile).slice(count);
        assert.ok(launcher && node, path);
        const stack = (value: string | undefined) =>
          (stackWithoutPids(value) ?? '')
            .split('|')
            .map((entry) => entry.replace(/=(.*)$/, (_, p: string) => `=${resolve(cwd, p)}`));
        assert.deepEqual(stack(launcher.env.TFMFA_SHIM_STACK), stack(node.env.TFMFA_SHIM_STACK), path);
        assert.deepEqual({ ...launcher.env, TFMFA_SHIM_STACK: '' }, { ...node.env, TFMFA_SHIM_STACK: '' }, path);
        assert.deepEqual(launcher.argv, node.argv);
      }
    });

    test(
      'two launcher copies on PATH (package shims and installed shims): still one hop to the ' + 'real tool',
      async () => {
        const other = join(world.box.dir, 'installed-shims');
        mkdirSync(other, { recursive: true });
        writeLauncher(join(other, 'terraform'), world.trapEntry);
        for (const path of [
          `${cmp}:${other}:${world.fakeBin}:${BARE_PATH}`,
          `${other}:${cmp}:${world.fakeBin}:${BARE_PATH}`,
        ]) {
          const env = baseEnv({ PATH: path });
          const fallbacks = world.fallbacks();
          const launcher = await runAs('launcher', 'terraform', ['plan'], env);
          assert.equal(world.fallbacks(), fallbacks, `${path}: no Node`);
          const node = await runAs('node', 'terraform', ['plan'], env);
          assertSame(launcher, node, path);
          assert.equal(stackWithoutPids(launcher.record?.env.TFMFA_SHIM_STACK), `terraform=${world.fakeBin}/terraform`);
        }
      },
    );

    test('the package layout finds ../dist/cli.js, a lone copy finds tfmfa on PATH', async () => {
      const pkg = join(world.box.dir, 'pkg');
      mkdirSync(join(pkg, 'shims'), { recursive: true });
      mkdirSync(join(pkg, 'dist'), { recursive: true });
      symlinkSync(CLI, join(pkg, 'dist', 'cli.js'));
      writeLauncher(join(pkg, 'shims', 'terraform'));
      const bin = join(world.box.dir, 'tfmfa-bin');
      mkdirSync(bin, { recursive: true });
      symlinkSync(CLI, join(bin, 'tfmfa'));
      const lone = join(world.box.dir, 'lone-copy');
      mkdirSync(lone, { recursive: true });
      writeLauncher(join(lone, 'terraform'));
      const { execa } = await import('execa');
      for (const [file, path] of [
        [join(pkg, 'shims', 'terraform'), `${join(pkg, 'shims')}:${world.fakeBin}:${BARE_PATH}`],
        [join(lone, 'terraform'), `${lone}:${world.fakeBin}:${bin}:${BARE_PATH}`],
      ] as const) {
        const result = await execa(file, ['plan'], {
          env: baseEnv({ PATH: path, TFMFA_DEBUG: '1' }),
          extendEnv: false,
          reject: false,
          stdin: 'ignore',
          cwd: world.box.dir,
        });
        assert.equal(result.exitCode, 0, String(result.stderr));
        assert.match(String(result.stderr), /tfmfa\[debug\] profile 'GEHC-056': ticket hit/, 'Node ran');
      }
    });

    test(
      'on the fast path: no external command and no subshell, just the exec of the real tool',
      { skip: !existsSync('/usr/bin/strace') && 'strace is not installed' },
      async () => {
        const realDir = join(world.box.dir, 'true-bin');
        mkdirSync(realDir, { recursive: true });
        copyFileSync('/bin/true', join(realDir, 'terraform'));
        chmodSync(join(realDir, 'terraform'), 0o755);
        use('launcher', ['terraform']);
        const trace = join(world.box.dir, 'strace.out');
        const env = baseEnv({ PATH: `${cmp}:${realDir}:${BARE_PATH}` });
        for (const shell of ['dash', 'bash']) {
          execFileSync(
            '/usr/bin/strace',
            [
              '-f',
              '-qq',
              '-s',
              '4096',
              '-o',
              trace,
              '-e',
              'trace=execve,clone,clone3,fork,vfork',
              shell,
              join(cmp, 'terraform'),
              'plan',
            ],
            { env, cwd: world.box.dir, stdio: 'ignore' },
          );
          const calls = readFileSync(trace, 'utf8')
            .trim()
            .split('\n')
            .filter((line) => !/exited with|\+\+\+|---/.test(line));
          assert.equal(calls.length, 2, `${shell}: ${calls.join('\n')}`);
          assert.match(calls[0] ?? '', new RegExp(`execve\\("[^"]*${shell}"`));
          assert.match(
            calls[1] ?? '',
            new RegExp(`execve\\("${realDir}/terraform", \\["${realDir}/terraform", "plan"\\]`),
          );
        }
      },
    );
  });

  describe('one source of truth', () => {
    test('shims/ holds the same launcher as real 0755 files, git-ignored', () => {
      const expected = renderLauncher({});
      for (const name of ['tfmfa-launcher', 'terraform', 'terragrunt', 'aws', 'tofu']) {
        const path = join(ROOT, 'shims', name);
        const stat = statSync(path);
        assert.ok(stat.isFile(), name);
        assert.equal(stat.mode & 0o777, 0o755, name);
        assert.equal(readFileSync(path, 'utf8'), expected, `${name} is the current template (run npm run build)`);
      }
      const lines = expected.split('\n');
      assert.equal(lines[0], '#!/bin/sh');
      assert.equal(lines[1], LAUNCHER_MARKER);
      // throws unless ignored
      execFileSync('git', ['check-ignore', '-q', 'shims/terraform'], { cwd: ROOT, stdio: 'ignore' });
      assert.throws(
        () => execFileSync('git', ['check-ignore', '-q', 'shims/README.md'], { cwd: ROOT, stdio: 'ignore' }),
        'README.md stays tracked',
      );
    });

    test('the launcher never evaluates or sources anything', () => {
      const text = renderLauncher({ entry: '/opt/tfmfa/dist/cli.js' });
      const code = text
        .split('\n')
        .filter((line) => !/^\s*#/.test(line))
        .join('\n');
      assert.doesNotMatch(code, /(^|[\s;&|(])(eval|source|\.)\s/m);
      assert.doesNotMatch(code, /\$\((?!\()|`/, 'no command substitution');
      assert.match(text, /^_tf_entry='\/opt\/tfmfa\/dist\/cli\.js'$/m);
      assert.match(renderLauncher({ entry: "/it's/cli.js" }), /^_tf_entry='\/it'\\''s\/cli\.js'$/m);
      assert.throws(() => renderLauncher({ entry: 'relative/cli.js' }));
    });

    test('every pass-through command of the one list runs straight through the launcher on a cold cache', async () => {
      restoreTicket();
      const cold = join(world.box.dir, 'cold');
      for (const [tool, commands] of Object.entries(PASSTHROUGH)) {
        if (!['terraform', 'terragrunt', 'aws'].includes(tool)) continue;
        for (const command of commands) {
          const args = command === '' ? [] : [command, 'x'];
          const env = baseEnv({ TFMFA_CACHE_DIR: cold });
          assert.ok(isPassthrough(tool, args, readSettings(env)));
          const fallbacks = world.fallbacks();
          const outcome = await runAs('launcher', tool, args, env);
          assert.equal(world.fallbacks(), fallbacks, `${tool} ${command}`);
          assert.deepEqual(outcome.record && withoutStackPids(outcome.record.env), {
            ...env,
            TFMFA_SHIM_STACK: `${tool}=${world.fakeBin}/${tool}`,
          });
        }
      }
      assert.equal(existsSync(join(cold, 'sessions')), false);
    });

    test(
      "a tool name Node's pass-through table does not know (constructor, __proto__) is just " + 'another tool',
      async () => {
        for (const name of ['constructor', '__proto__', 'toString']) {
          assert.equal(isPassthrough(name, ['version'], readSettings({})), false, name);
        }
      },
    );
  });
});
