// Issue 20, the seed scenario end to end, exactly as a new user has it: nothing exported (no AWS_PROFILE, no
// AWS_CONFIG_FILE), a `[default]` section with a region only, roles with mfa_serial in ~/.aws/config, long-term
// keys in ~/.aws/credentials, and code that hard-codes `profile = "GEHC-056"` together with the
// `shared_credentials_file = "~/.aws/config"` quirk. After `tfmfa shim install --dir BIN`, in a real terminal
// (tmux): the first run asks for the MFA code once, on the terminal; the runs after it ask nothing.
//
// The "terraform" here resolves the provider block's profile as Terraform does (the AWS SDK reads the
// credentials file the block names, the config file from AWS_CONFIG_FILE) with the JS SDK, then with botocore,
// and calls GetCallerIdentity through each: nothing in the real config read as a credentials file may shadow
// the overlay's profile. The AWS CLI part runs the real AWS CLI v2 (/usr/bin/aws) through the aws shim with
// `--profile`.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { hasBotocore, DEBIAN_PYTHON } from '../support/botocore.ts';
import { createFakeTool } from '../support/fake-tool.ts';
import { CLI, createSandbox, NODE_DIR, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';

const AWS_CLI = '/usr/bin/aws';
const TMUX = '/usr/bin/tmux';
const PROMPT = `Enter MFA code for ${SERIAL}: `;
const ROLE = /^arn:aws:sts::111111111111:assumed-role\/hc-master\/tfmfa-/;
const TEAM_B = /^arn:aws:sts::111111111111:assumed-role\/team-b\//;

/** The JS SDK v3 modules the "terraform" below imports, as file: URLs. */
const SDK_STS = pathToFileURL(join(ROOT, 'node_modules/@aws-sdk/client-sts/dist-cjs/index.js')).href;
const SDK_PROVIDERS = pathToFileURL(join(ROOT, 'node_modules/@aws-sdk/credential-providers/dist-cjs/index.js')).href;

/** Terraform's reading of `provider "aws" { profile = "X" shared_credentials_file = "F" }` in main.tf. */
const TERRAFORM = `
const { readFileSync } = process.getBuiltinModule('node:fs');
const { spawnSync } = process.getBuiltinModule('node:child_process');
const { join } = process.getBuiltinModule('node:path');
const { record } = globalThis.fakeTool;
if (record.argv[0] === 'plan' || record.argv[0] === 'init') {
  const code = readFileSync('main.tf', 'utf8');
  const profile = /profile\\s*=\\s*"([^"]+)"/.exec(code)[1];
  const credentials = /shared_credentials_file\\s*=\\s*"([^"]+)"/.exec(code)[1]
    .replace(/^~\\//, process.env.HOME + '/');
  const endpoint = process.env.AWS_ENDPOINT_URL_STS;
  const { STSClient, GetCallerIdentityCommand } = await import(${JSON.stringify(SDK_STS)});
  const { fromIni } = await import(${JSON.stringify(SDK_PROVIDERS)});
  const client = new STSClient({
    region: 'us-west-2',
    endpoint,
    credentials: fromIni({ profile, filepath: credentials }),
  });
  process.stdout.write('js ' + (await client.send(new GetCallerIdentityCommand({}))).Arn + '\\n');
  const python =
    'import sys, botocore.session\\n' +
    's = botocore.session.Session(profile=sys.argv[1])\\n' +
    'print(s.create_client("sts", region_name="us-west-2", endpoint_url=sys.argv[2]).get_caller_identity()["Arn"])';
  const boto = spawnSync(${JSON.stringify(DEBIAN_PYTHON)}, ['-c', python, profile, endpoint], {
    env: { ...process.env, AWS_SHARED_CREDENTIALS_FILE: credentials },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (boto.status !== 0) process.exit(1);
  process.stdout.write('botocore ' + boto.stdout);
}
`;

const MAIN_TF = `terraform {
  backend "s3" {
    bucket  = "state"
    key     = "x"
    profile = "GEHC-056"
  }
}
provider "aws" {
  region                  = "us-west-2"
  profile                 = "GEHC-056"
  shared_credentials_file = "~/.aws/config"
}
`;

interface Terminal {
  /** Runs the lines in the terminal; answers the MFA prompt with `code()` each time it appears; resolves at the end. */
  run(lines: string[], code: () => string): Promise<{ screen: string; prompts: number }>;
}

/** A tmux server of its own (its own socket), one window, 200 columns. */
function tmuxTerminal(dir: string, env: Record<string, string>): Terminal & { stop(): Promise<void> } {
  const socket = join(dir, 'tmux.sock');
  const tmux = (args: string[]) =>
    execa(TMUX, ['-S', socket, '-f', '/dev/null', ...args], { env, extendEnv: false, reject: false, stdin: 'ignore' });
  let runs = 0;
  return {
    async run(lines, code) {
      const done = join(dir, `done-${++runs}`);
      const script = join(dir, `script-${runs}.sh`);
      writeFileSync(script, `${lines.join('\n')}\ntouch ${JSON.stringify(done)}\nsleep 600\n`);
      const started = await tmux([
        'new-session',
        '-d',
        '-s',
        `run${runs}`,
        '-x',
        '200',
        '-y',
        '50',
        `/bin/sh ${script}`,
      ]);
      assert.equal(started.exitCode, 0, String(started.stderr));
      let answered = 0;
      const deadline = Date.now() + 180_000;
      let screen = '';
      while (!existsSync(done)) {
        assert.ok(Date.now() < deadline, `the terminal did not finish: ${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        screen = String((await tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', `run${runs}`])).stdout);
        const asked = screen.split(PROMPT).length - 1;
        if (asked > answered) {
          const sent = await tmux(['send-keys', '-t', `run${runs}`, code(), 'Enter']);
          assert.equal(sent.exitCode, 0, String(sent.stderr));
          answered = asked;
        }
      }
      screen = String((await tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', `run${runs}`])).stdout);
      await tmux(['kill-session', '-t', `run${runs}`]);
      return { screen, prompts: screen.split(PROMPT).length - 1 };
    },
    async stop() {
      await tmux(['kill-server']);
    },
  };
}

const skip =
  (!existsSync(TMUX) && 'tmux is not installed') ||
  (!hasBotocore() && 'botocore is not installed') ||
  (!existsSync(AWS_CLI) && 'the AWS CLI is not installed');

describe('the seed setup through installed shims, nothing exported, in a real terminal (tmux)', { skip }, () => {
  let box: Sandbox;
  let terminal: ReturnType<typeof tmuxTerminal>;
  let bin: string;
  let work: string;
  let env: Record<string, string>;
  const code = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };
  /** The script's lines: run each command with its output in files; `rc` files hold the exit codes. */
  const step = (name: string, command: string) => `${command} >${name}.out 2>${name}.err; echo $? >${name}.rc`;
  const result = (name: string) => ({
    rc: readFileSync(join(work, `${name}.rc`), 'utf8').trim(),
    out: readFileSync(join(work, `${name}.out`), 'utf8'),
    err: readFileSync(join(work, `${name}.err`), 'utf8'),
  });

  before(async () => {
    box = await createSandbox({ extraConfig: '[default]\nregion = us-west-2\n' });
    bin = join(box.dir, 'user-bin');
    const fakeBin = join(box.dir, 'fake-bin');
    mkdirSync(fakeBin);
    createFakeTool(fakeBin, 'terraform', { runScript: TERRAFORM });
    work = join(box.dir, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'main.tf'), MAIN_TF);
    // Nothing exported: the files at their default place under HOME, no profile variable, tfmfa's defaults
    // (long runs in server mode). The STS endpoint is the emulator's (the test's plumbing, read by tfmfa).
    env = {
      HOME: box.home,
      PATH: `${bin}:${fakeBin}:${NODE_DIR}:/usr/bin:/bin`,
      USER: 'tester',
      LANG: 'C.UTF-8',
      TERM: 'xterm',
      AWS_ENDPOINT_URL_STS: box.emu.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
    const installed = await execa(process.execPath, [CLI, 'shim', 'install', '--dir', bin, 'terraform', 'aws'], {
      env,
      extendEnv: false,
      reject: false,
    });
    assert.equal(installed.exitCode, 0, String(installed.stderr));
    terminal = tmuxTerminal(box.dir, env);
  });
  after(async () => {
    await terminal?.stop();
    await box?.cleanup();
  });

  test(
    'terraform with `profile = "GEHC-056"` and the shared_credentials_file quirk: one prompt, ' +
      'then cached runs (JS SDK and botocore)',
    async () => {
      const { prompts, screen } = await terminal.run(
        [
          `cd ${JSON.stringify(work)}`,
          step('init', 'terraform init'),
          step('plan1', 'terraform plan'),
          step('plan2', 'terraform plan'),
        ],
        code,
      );
      for (const name of ['init', 'plan1', 'plan2']) {
        const { rc, out, err } = result(name);
        assert.equal(rc, '0', `${name}: ${err}\n${screen}`);
        const [js, boto] = out.trim().split('\n');
        assert.match(js ?? '', /^js /);
        assert.match((js ?? '').slice(3), ROLE, `${name}: the JS SDK (Terraform's reading) gets the role`);
        assert.match((boto ?? '').replace(/^botocore /, ''), ROLE, `${name}: botocore gets the role`);
        assert.equal(err, '', `${name}: tfmfa says nothing in the normal case`);
      }
      assert.equal(prompts, 1, `one prompt in all: ${screen}`);
      assert.equal(box.emu.count('GetSessionToken'), 1);
    },
  );

  test(
    'the aws shim with --profile (the real AWS CLI v2): no prompt on the cached device session, ' +
      'also for another role',
    async () => {
      box.emu.resetCounts();
      const lines = [`cd ${JSON.stringify(work)}`];
      for (const [name, profile] of [
        ['aws1', 'GEHC-056'],
        ['aws2', 'GEHC-056'],
        ['aws3', 'team-b'],
      ]) {
        lines.push(
          step(
            name as string,
            `aws --profile ${profile} --region us-west-2 sts get-caller-identity --endpoint-url ${box.emu.url} ` +
              `--output text --query Arn`,
          ),
        );
      }
      const { prompts, screen } = await terminal.run(lines, code);
      for (const [name, arn] of [
        ['aws1', ROLE],
        ['aws2', ROLE],
        ['aws3', TEAM_B],
      ] as const) {
        const { rc, out, err } = result(name);
        assert.equal(rc, '0', `${name}: ${err}\n${screen}`);
        assert.match(out.trim(), arn, name);
        assert.equal(err, '', name);
      }
      assert.equal(prompts, 0, screen);
      assert.equal(box.emu.count('GetSessionToken'), 0);
    },
  );

  test('the aws shim with --profile on a cold cache: one prompt, then cached runs', async () => {
    rmSync(join(box.home, '.cache'), { recursive: true, force: true });
    box.emu.resetCounts();
    const lines = [`cd ${JSON.stringify(work)}`];
    for (const name of ['cold1', 'cold2', 'cold3'])
      lines.push(
        step(
          name,
          `aws --profile GEHC-056 --region us-west-2 sts get-caller-identity --endpoint-url ${box.emu.url} ` +
            `--output text --query Arn`,
        ),
      );
    const { prompts, screen } = await terminal.run(lines, code);
    for (const name of ['cold1', 'cold2', 'cold3']) {
      const { rc, out, err } = result(name);
      assert.equal(rc, '0', `${name}: ${err}\n${screen}`);
      assert.match(out.trim(), ROLE, name);
    }
    assert.equal(prompts, 1, screen);
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });

  test(
    'AWS_PROFILE naming a profile that does not exist: one line naming it and the closest names; ' +
      'the run goes on with the overlay',
    async () => {
      const { screen } = await terminal.run(
        [`cd ${JSON.stringify(work)}`, step('typo', 'AWS_PROFILE=GEHC-56 terraform init')],
        code,
      );
      const { rc, out, err } = result('typo');
      assert.equal(rc, '0', `${err}\n${screen}`);
      assert.match(
        err,
        new RegExp(
          String.raw`^tfmfa: warning: profile 'GEHC-56' \(AWS_PROFILE\) not found: did you mean 'GEHC-056'(, ` +
            String.raw`'[^']+')*\? \(running terraform anyway\)\n$`,
        ),
      );
      assert.match(
        out,
        /^js arn:aws:sts::111111111111:assumed-role\/hc-master\//,
        'the profile in code still resolves through the overlay',
      );
    },
  );
});
