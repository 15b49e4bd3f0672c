// The same tool started again under itself through a shim (src/shim/loop-guard.ts): ordinary nesting runs,
// a real loop ends quickly in one line and exit 126. Every case through Node and through the launcher.
//
// The fake tools here understand two extra commands, run after recording (so records list the outermost first) (by
// name, through PATH, so a
// nested start goes back through the shim):
//   TOOL sh 'COMMAND'         runs COMMAND with /bin/sh -c, as terraform's local-exec provisioner does
//   TOOL nest OTHER ARGS...   runs OTHER ARGS... directly (no shell), as a hook or an external data source
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_SHIM_DEPTH, parseStack } from '../../src/shim/loop-guard.ts';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { CLI, NODE_DIR } from '../support/sandbox.ts';
import { createShimWorld, stackWithoutPids, VIAS, type ShimWorld, type Via } from '../support/shim-world.ts';

const BARE_PATH = `${NODE_DIR}:/usr/bin:/bin`;
const AWS_CLI = '/usr/bin/aws';
const MAKE = '/usr/bin/make';

const NESTING = `
import { spawnSync } from 'node:child_process';
const argv = globalThis.fakeTool.record.argv;
const run = (file, args) => {
  const result = spawnSync(file, args, { stdio: 'inherit' });
  process.exitCode = result.status ?? 99;
};
if (argv[0] === 'sh') run('/bin/sh', ['-c', argv[1]]);
if (argv[0] === 'nest') run(argv[1], argv.slice(2));
`;

test('doctor run under shims says how deep, of how many', async () => {
  const stack = 'terraform=/usr/bin/terraform@12|aws=/usr/bin/aws@13';
  const result = await execa(process.execPath, [CLI, 'doctor'], {
    env: { ...process.env, TFMFA_SHIM_STACK: stack },
    reject: false,
  });
  assert.match(
    result.stdout,
    new RegExp(
      `^· running under a tfmfa shim: 2 of at most ${MAX_SHIM_DEPTH} nested shim starts ` +
        `\\(TFMFA_SHIM_STACK=${stack.replace(/\|/g, '\\|')}\\)$`,
      'm',
    ),
  );
});

describe('nested tools under a shim', () => {
  let world: ShimWorld;
  let nestBin: string;
  const profileEnv = { AWS_PROFILE: 'GEHC-056' };
  const pathFor = (via: Via) => `${world.shimDir(via)}:${nestBin}:${BARE_PATH}`;
  const records = (tool: string) => readRecords(join(nestBin, `${tool}.records.jsonl`));
  const newRecords = async (tool: string, action: () => Promise<void>) => {
    const before = records(tool).length;
    await action();
    return records(tool).slice(before);
  };

  before(async () => {
    world = await createShimWorld();
    nestBin = join(world.box.dir, 'nest-bin');
    mkdirSync(nestBin, { recursive: true });
    for (const tool of ['terraform', 'terragrunt']) createFakeTool(nestBin, tool, { runScript: NESTING });
    await world.warm();
  });
  after(() => world.cleanup());

  for (const via of VIAS) {
    describe(`via ${via}`, () => {
      test('local-exec: terraform running `terraform output -json` through sh -c', async () => {
        const runs = await newRecords('terraform', async () => {
          const result = await world.run(via, 'terraform', ['sh', 'terraform output -json'], {
            env: { ...profileEnv, PATH: pathFor(via) },
          });
          assert.equal(result.exitCode, 0, result.stderr);
          assert.equal(result.stderr, '');
        });
        assert.deepEqual(
          runs.map((r) => r.argv),
          [
            ['sh', 'terraform output -json'],
            ['output', '-json'],
          ],
        );
        const fake = join(nestBin, 'terraform');
        assert.equal(stackWithoutPids(runs[1]?.env.TFMFA_SHIM_STACK), `terraform=${fake}|terraform=${fake}`);
        const [outer, inner] = parseStack(runs[1]?.env.TFMFA_SHIM_STACK ?? '');
        assert.equal(outer?.pid, runs[0]?.pid, 'the outer entry names the process that became terraform');
        assert.equal(inner?.pid, runs[1]?.pid);
        assert.match(runs[1]?.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/, 'the inner terraform has the session too');
      });

      test('terragrunt hooks running terragrunt, directly and through sh', async () => {
        const runs = await newRecords('terragrunt', async () => {
          const result = await world.run(via, 'terragrunt', ['nest', 'terragrunt', 'sh', 'terragrunt plan'], {
            env: { ...profileEnv, PATH: pathFor(via) },
          });
          assert.equal(result.exitCode, 0, result.stderr);
        });
        assert.deepEqual(
          runs.map((r) => r.argv[0]),
          ['nest', 'sh', 'plan'],
        );
        assert.equal(parseStack(runs[2]?.env.TFMFA_SHIM_STACK ?? '').length, 3);
      });

      test(
        'make → terraform → terraform (a make target calling terraform from within a terraform run)',
        { skip: !existsSync(MAKE) && 'make is not installed' },
        async () => {
          const dir = join(world.box.dir, `make-${via}`);
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, 'Makefile'), 'apply:\n\tterraform sh "make -s inner"\ninner:\n\tterraform plan\n');
          const runs = await newRecords('terraform', async () => {
            const env = world.env(via, { ...profileEnv, PATH: pathFor(via), PWD: dir });
            const result = await execa(MAKE, ['-s', 'apply'], {
              cwd: dir,
              env,
              extendEnv: false,
              reject: false,
              stdin: 'ignore',
              timeout: 60_000,
            });
            assert.equal(result.exitCode, 0, result.stderr);
          });
          assert.deepEqual(
            runs.map((r) => r.argv[0]),
            ['sh', 'plan'],
          );
          assert.equal(parseStack(runs[1]?.env.TFMFA_SHIM_STACK ?? '').length, 2);
        },
      );

      test('a deep legitimate nesting: five levels of terraform', async () => {
        const args = ['nest', 'terraform', 'nest', 'terraform', 'sh', 'terraform nest terraform plan'];
        const runs = await newRecords('terraform', async () => {
          const result = await world.run(via, 'terraform', args, { env: { ...profileEnv, PATH: pathFor(via) } });
          assert.equal(result.exitCode, 0, result.stderr);
        });
        assert.deepEqual(
          runs.map((r) => r.argv[0]),
          ['nest', 'nest', 'sh', 'nest', 'plan'],
        );
        assert.equal(parseStack(runs[4]?.env.TFMFA_SHIM_STACK ?? '').length, 5);
        assert.equal(new Set(runs.map((r) => r.pid)).size, 5);
      });

      test(
        'a wrapper that runs terraform by name as a child (no exec): stopped by the depth ' + 'bound, one line, 126',
        async () => {
          const wrapDir = join(world.box.dir, `child-wrap-${via}`);
          mkdirSync(wrapDir, { recursive: true });
          writeFileSync(join(wrapDir, 'terraform'), '#!/bin/sh\nterraform "$@"\n', { mode: 0o755 });
          const started = Date.now();
          const runs = await newRecords('terraform', async () => {
            const result = await world.run(via, 'terraform', ['plan'], {
              env: { ...profileEnv, PATH: `${world.shimDir(via)}:${wrapDir}:${nestBin}:${BARE_PATH}` },
              timeout: 60_000,
            });
            assert.equal(result.exitCode, 126, result.stderr);
            assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
            assert.match(
              result.stderr,
              new RegExp(
                `^tfmfa: loop: the terraform shim would start ${wrapDir}/terraform again, but ${MAX_SHIM_DEPTH} ` +
                  `real binaries already run nested under tfmfa shims`,
              ),
            );
          });
          assert.equal(runs.length, 0, 'the real terraform never ran');
          assert.ok(Date.now() - started < 30_000, `ended in ${Date.now() - started} ms`);
        },
      );

      test('the exec-ing wrapper: stopped at its second arrival (same process, nothing ran in between)', async () => {
        const wrapDir = join(world.box.dir, `exec-wrap-${via}`);
        const log = join(wrapDir, 'starts');
        mkdirSync(wrapDir, { recursive: true });
        writeFileSync(join(wrapDir, 'terraform'), `#!/bin/sh\necho x >>'${log}'\nexec terraform "$@"\n`, {
          mode: 0o755,
        });
        const result = await world.run(via, 'terraform', ['plan'], {
          env: { ...profileEnv, PATH: `${world.shimDir(via)}:${wrapDir}:${nestBin}:${BARE_PATH}` },
        });
        assert.equal(result.exitCode, 126, result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            String.raw`^tfmfa: loop: the terraform shim would start .* again, and .* came straight back to the ` +
              String.raw`shim without running anything`,
          ),
        );
        assert.equal(result.stderr.trim().split('\n').length, 1);
        assert.equal(readFileSync(log, 'utf8'), 'x\n', 'the wrapper ran once');
      });

      test(
        'an aws credential_process script that calls aws by name (the AWS CLI through the aws shim)',
        { skip: !existsSync(AWS_CLI) && 'the AWS CLI is not installed' },
        async () => {
          const dir = join(world.box.dir, `cp-${via}`);
          mkdirSync(dir, { recursive: true });
          const seen = join(dir, 'seen');
          const script = join(dir, 'creds.sh');
          const { user } = world.box;
          writeFileSync(
            script,
            [
              '#!/bin/sh',
              'region=$(aws configure get region --profile GEHC-000) || exit 1',
              `printf '%s %s\\n' "$(command -v aws)" "$region" >'${seen}'`,
              `printf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s"}\\n' '${user.accessKeyId}' ` +
                `'${user.secretAccessKey}'`,
              '',
            ].join('\n'),
            { mode: 0o755 },
          );
          const config = `${world.box.home}/.aws/config`;
          if (!readFileSync(config, 'utf8').includes(`[profile cp-${via}]`))
            appendFileSync(config, `\n[profile cp-${via}]\ncredential_process = ${script}\nregion = eu-west-1\n`);
          const env = { AWS_PROFILE: `cp-${via}`, PATH: `${world.shimDir(via)}:${BARE_PATH}` };
          const result = await world.run(
            via,
            'aws',
            ['sts', 'get-caller-identity', '--endpoint-url', world.box.emu.url, '--output', 'json'],
            { env, timeout: 120_000 },
          );
          assert.equal(result.exitCode, 0, result.stderr);
          assert.match((JSON.parse(result.stdout) as { Arn: string }).Arn, /:user\/username$/);
          const region = readFileSync(config, 'utf8').match(/\[profile GEHC-000\][^[]*?region = (\S+)/)?.[1] ?? '';
          assert.equal(readFileSync(seen, 'utf8'), `${join(world.shimDir(via), 'aws')} ${region}\n`);
        },
      );
    });
  }
});
