import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nodeCheck } from '../../src/doctor/checks.ts';
import { profileSettings } from '../../src/doctor/terraform-files.ts';
import { SessionCache } from '../../src/store/session-cache.ts';
import {
  CLI,
  createSandbox,
  LONG_ROLE,
  NODE_DIR,
  ROLE_ARN,
  ROLE_B,
  ROLE_C,
  SERIAL,
  type Sandbox,
} from '../support/sandbox.ts';
import { closedPort } from '../support/ports.ts';

/** The lines of one section of the checklist. */
function section(stdout: string, title: string): string {
  const match = new RegExp(`(?:^|\\n)${title}:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(stdout);
  return match?.[1] ?? assert.fail(`no section ${title} in:\n${stdout}`);
}

function script(path: string, text: string): string {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

describe('tfmfa doctor', () => {
  let box: Sandbox;
  let project: string;
  let empty: string;
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };
  const doctor = (args: string[], env: Record<string, string> = {}, cwd = empty) =>
    box.tfmfa(['doctor', ...args], { cwd, env: { ...box.env, ...env } });

  before(async () => {
    box = await createSandbox({
      extraConfig: `[profile bad-arn]
source_profile = GEHC-000
role_arn = arn:aws:iam::12:role/x
`,
    });
    project = join(box.dir, 'project');
    empty = join(box.dir, 'empty');
    mkdirSync(project);
    mkdirSync(empty);
  });
  after(() => box.cleanup());

  test('--help', async () => {
    const result = await box.tfmfa(['doctor', '--help']);
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /^Usage: tfmfa doctor \[PROFILE\] \[--network\]/);
  });

  test('a healthy setup: Node, install path, the chain step by step; exit 0', async () => {
    const result = await doctor(['GEHC-056']);
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    const tfmfa = section(result.stdout, 'tfmfa');
    assert.match(
      tfmfa,
      new RegExp(`^✔ Node ${process.versions.node.replace(/\./g, '\\.')} at .* \\(22\\.15 or later needed\\)$`, 'm'),
    );
    assert.match(tfmfa, new RegExp(`^✔ tfmfa \\d+\\.\\d+\\.\\d+\\S* at ${CLI.replace(/\./g, '\\.')}$`, 'm'));
    const profile = section(result.stdout, 'Profile');
    assert.match(profile, /^✔ profile 'GEHC-056': GEHC-000 → GEHC-056, region us-west-2$/m);
    assert.match(profile, /^ {4}1\. long-term access keys of profile 'GEHC-000' \(.*credentials\)$/m);
    assert.match(
      profile,
      new RegExp(`^ {4}2\\. GetSessionToken with the MFA device ${SERIAL}, for 8h00m .*: not cached$`, 'm'),
    );
    assert.match(
      profile,
      new RegExp(
        `^ {4}3\\. AssumeRole ${ROLE_ARN} \\(profile 'GEHC-056'\\) from the MFA session, with its external_id, ` +
          `for 1h00m \\(STS default\\): not cached$`,
        'm',
      ),
    );
    assert.match(
      profile,
      new RegExp(
        String.raw`MFA code: (asked on the terminal \(this run has a terminal\); without a terminal: )?nothing ` +
          String.raw`in this mode \(no terminal to ask on and no desktop dialog\): ` +
          String.raw`run 'tfmfa open-session GEHC-056' in a terminal first`,
      ),
    );
    assert.match(
      profile,
      /^! profile 'bad-arn': role_arn 'arn:aws:iam::12:role\/x' is not valid/m,
      "other profiles' config errors are warnings",
    );
    assert.match(section(result.stdout, 'Cache'), /^✔ cache directory .* does not exist yet/m);
    assert.match(section(result.stdout, 'Shims'), /^· no tfmfa shims on PATH/m);
    assert.match(section(result.stdout, 'Terraform files'), /^· no \*\.tf files in /m);
    assert.match(
      section(result.stdout, 'Key store'),
      /^! profile 'GEHC-000' has long-term keys in plaintext in .*credentials\n {4}fix: tfmfa import GEHC-000$/m,
    );
    assert.match(result.stdout, /\n\nno problems found \(2 warning\(s\)\)$/);
    assert.equal(box.emu.count(), 0, 'doctor makes no STS call without --network');
  });

  test(
    'chains: what is cached, the session TTL, a long role assumed directly with the code, ' + 'role → role',
    async () => {
      const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', freshCode(), '--', '/bin/true']);
      assert.equal(warm.exitCode, 0, warm.stderr);
      const cached = section((await doctor(['GEHC-056'], { TFMFA_SESSION_TTL: '2h' })).stdout, 'Profile');
      assert.match(cached, /2\. GetSessionToken .* for 2h00m .*: cached, (7h5\d|8h0\d)m left$/m);
      assert.match(cached, /3\. AssumeRole .*: cached, (5\dm|1h0\dm) left$/m);

      const long = section((await doctor(['long'])).stdout, 'Profile');
      assert.match(
        long,
        new RegExp(
          `^ {4}2\\. AssumeRole ${LONG_ROLE} \\(profile 'long'\\) from the base credentials, with a code of the ` +
            `MFA device ${SERIAL}, for 4h00m: not cached$`,
          'm',
        ),
      );
      assert.doesNotMatch(long, /GetSessionToken/);

      const chained = (await doctor([], { AWS_PROFILE: 'team-c' })).stdout;
      const steps = section(chained, 'Profile');
      assert.match(
        steps,
        new RegExp(
          String.raw`^✔ profile 'team-c' \(from AWS_PROFILE\): ` +
            String.raw`GEHC-000 → team-b → team-c, region eu-west-1$`,
          'm',
        ),
      );
      assert.match(
        steps,
        new RegExp(`3\\. AssumeRole ${ROLE_B} \\(profile 'team-b'\\) from the MFA session, for 1h00m`),
      );
      assert.match(steps, new RegExp(`4\\. AssumeRole ${ROLE_C} \\(profile 'team-c'\\) from role team-b, for 1h00m`));

      const plain = section((await doctor(['GEHC-000'])).stdout, 'Profile');
      assert.match(
        plain,
        new RegExp(
          String.raw`^✔ profile 'GEHC-000': GEHC-000, region us-west-2 ` +
            String.raw`\(needs neither MFA nor a role: tfmfa passes it through\)$`,
          'm',
        ),
      );
    },
  );

  test('never prints a secret', async () => {
    const result = await doctor(['GEHC-056', '--network']);
    const text = result.stdout + result.stderr;
    const entries = new SessionCache(box.cacheDir).list();
    assert.ok(entries.length >= 2);
    for (const secret of [box.user.secretAccessKey, ...entries.flatMap((e) => [e.secretAccessKey, e.sessionToken])])
      assert.ok(!text.includes(secret));
  });

  test('config errors: the profile checked fails (exit 1); an unknown profile is one line, exit 2', async () => {
    const broken = await doctor(['bad-arn']);
    assert.equal(broken.exitCode, 1);
    assert.match(
      section(broken.stdout, 'Profile'),
      /^✖ profile 'bad-arn': role_arn .* is not valid.*\n {4}fix: edit /m,
    );
    assert.match(broken.stdout, /1 problem\(s\) found, 1 warning\(s\): see the fix under each ✖$/);

    const unknown = await doctor(['GEHC-65']);
    assert.equal(unknown.exitCode, 2);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /^tfmfa: doctor: profile 'GEHC-65' not found: did you mean 'GEHC-056'[^\n]*$/);

    const fromEnv = await doctor([], { AWS_PROFILE: 'nope' });
    assert.equal(fromEnv.exitCode, 1);
    assert.match(section(fromEnv.stdout, 'Profile'), /^✖ profile 'nope' \(from AWS_PROFILE\) is not in /m);

    const none = await doctor([]);
    assert.equal(none.exitCode, 0, none.stdout);
    assert.match(section(none.stdout, 'Profile'), /^· no profile checked/m);

    const badTtl = await doctor(['GEHC-056'], { TFMFA_SESSION_TTL: '5m' });
    assert.equal(badTtl.exitCode, 1);
    assert.match(badTtl.stdout, /✖ TFMFA_SESSION_TTL must be between 15m and 36h/);
    const badMin = await doctor(['GEHC-056'], { TFMFA_MIN_TTL: 'soon' });
    assert.equal(badMin.exitCode, 1);
    assert.match(
      badMin.stdout,
      /^✖ TFMFA_MIN_TTL must be a duration like 3600, 90m or 8h, got 'soon'\n {4}fix: fix or unset TFMFA_MIN_TTL$/m,
    );

    const extra = await doctor(['GEHC-056', 'team-b']);
    assert.equal(extra.exitCode, 2);
    assert.match(extra.stderr, /^tfmfa: doctor: unexpected argument 'team-b'/);
  });

  test('shims: ahead of the real binary or not, which real binary, launchers, missing binaries, loops', async () => {
    const shims = join(box.dir, 'shims');
    const real = join(box.dir, 'real');
    mkdirSync(shims);
    mkdirSync(real);
    symlinkSync(CLI, join(shims, 'terraform'));
    script(join(shims, 'aws'), `#!/bin/sh\n# tfmfa-launcher\nexec node "${CLI}" __shim aws "$@"\n`);
    symlinkSync(CLI, join(shims, 'tofu'));
    symlinkSync(CLI, join(shims, 'terragrunt'));
    script(join(real, 'terraform'), '#!/bin/sh\necho terraform\n');
    script(join(real, 'terragrunt'), '#!/bin/sh\n# a wrapper\nexec terragrunt "$@"\n');
    script(join(real, 'aws'), '#!/bin/sh\necho aws\n');
    const path = [shims, real, NODE_DIR].join(':');

    const good = await doctor([], { PATH: path });
    const lines = section(good.stdout, 'Shims');
    assert.match(lines, new RegExp(`^✔ terraform: shim ${shims}/terraform is first on PATH$`, 'm'));
    assert.match(lines, new RegExp(`^✔ terraform: the shim runs the real terraform at ${real}/terraform$`, 'm'));
    assert.match(lines, new RegExp(`^✔ aws: shim ${shims}/aws is first on PATH$`, 'm'), 'a shell launcher is a shim');
    assert.match(lines, new RegExp(`^✔ aws: the shim runs the real aws at ${real}/aws$`, 'm'));
    // issue 20.6: a tool that is not installed is a note, not a failure
    // (was: "✖ tofu: no real tofu on PATH", exit 1).
    assert.match(
      lines,
      new RegExp(
        `^· tofu: not installed, so its shim ${shims}/tofu has nothing to run yet .*tfmfa shim uninstall ` +
          `--dir ${shims} tofu\\)$`,
        'm',
      ),
    );
    assert.match(
      lines,
      new RegExp(`^! terragrunt: ${real}/terragrunt is a script that runs 'terragrunt' by name: .*loop`, 'm'),
    );
    assert.equal(good.exitCode, 0, 'the missing tofu is no failure');

    const shadowed = await doctor([], { PATH: [real, shims, NODE_DIR].join(':') });
    assert.equal(shadowed.exitCode, 1);
    const shadowedLines = section(shadowed.stdout, 'Shims');
    assert.match(
      shadowedLines,
      new RegExp(
        `^✖ terraform: ${real}/terraform comes before the tfmfa shim ${shims}/terraform on PATH, so the shim ` +
          `never runs\\n {4}fix: put ${shims} first in PATH, e\\.g\\. export PATH="${shims}:\\$PATH"`,
        'm',
      ),
    );

    rmSync(join(shims, 'tofu'));
    symlinkSync(join(shims, 'tofu-b'), join(shims, 'tofu'));
    symlinkSync(join(shims, 'tofu'), join(shims, 'tofu-b'));
    const loop = await doctor([], { PATH: path });
    assert.match(section(loop.stdout, 'Shims'), new RegExp(`^✖ tofu: ${shims}/tofu is a symlink loop`, 'm'));
  });

  test(
    'right after `tfmfa shim install` on a machine with only terraform and aws: exit 0, a note ' +
      'per missing tool naming `tfmfa shim uninstall`',
    async () => {
      const shims = join(box.dir, 'installed-shims');
      const real = join(box.dir, 'only-terraform-and-aws');
      mkdirSync(real);
      script(join(real, 'terraform'), '#!/bin/sh\necho terraform\n');
      script(join(real, 'aws'), '#!/bin/sh\necho aws\n');
      const env = { PATH: [shims, real, NODE_DIR, '/usr/bin', '/bin'].join(':') };
      const install = await box.tfmfa(['shim', 'install', '--dir', shims], { env: { ...box.env, ...env } });
      assert.equal(install.exitCode, 0, install.stderr);
      for (const tool of ['terraform', 'terragrunt', 'aws', 'tofu'])
        assert.ok(existsSync(join(shims, tool)), `${tool} shim installed`);

      const result = await doctor([], env);
      assert.equal(result.exitCode, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /\nno problems found/);
      const lines = section(result.stdout, 'Shims');
      assert.doesNotMatch(lines, /^✖/m, 'no shim line is a failure');
      assert.match(lines, new RegExp(`^✔ terraform: the shim runs the real terraform at ${real}/terraform$`, 'm'));
      assert.match(lines, new RegExp(`^✔ aws: the shim runs the real aws at ${real}/aws$`, 'm'));
      for (const tool of ['terragrunt', 'tofu']) {
        // The directory install wrote to is remembered: the plain command finds the shim there.
        assert.match(
          lines,
          new RegExp(
            `^· ${tool}: not installed, so its shim ${shims}/${tool} has nothing to run yet \\(it will ` +
              `once ${tool} is installed; if you do not use ${tool}: tfmfa shim uninstall ${tool}\\)$`,
            'm',
          ),
        );
      }

      // The note's command does what it says.
      const uninstall = await box.tfmfa(['shim', 'uninstall', 'tofu'], { env: { ...box.env, ...env } });
      assert.equal(uninstall.exitCode, 0, uninstall.stderr);
      assert.ok(!existsSync(join(shims, 'tofu')) && existsSync(join(shims, 'terragrunt')), uninstall.stdout);

      // A problem: terragrunt is on PATH but cannot run (a version manager's dangling symlink): a warning whose fix
      // names the uninstall.
      symlinkSync(join(box.dir, 'gone', 'terragrunt'), join(real, 'terragrunt'));
      const broken = await doctor([], env);
      assert.equal(broken.exitCode, 0, broken.stdout);
      assert.match(
        section(broken.stdout, 'Shims'),
        new RegExp(
          `^! terragrunt: ${real}/terragrunt is a dangling symlink, so the shim ${shims}/terragrunt has no real ` +
            `terragrunt to run\\n {4}fix: reinstall terragrunt \\(ls -l ${real}/terragrunt\\), or remove the ` +
            `shim: tfmfa shim uninstall terragrunt$`,
          'm',
        ),
      );
      rmSync(join(real, 'terragrunt'));
    },
  );

  test('cache directory: permissions, files, ownership checks', async () => {
    const dir = join(box.dir, 'cache-perm');
    const env = { TFMFA_CACHE_DIR: dir };
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', freshCode(), '--', '/bin/true'], {
      env: { ...box.env, ...env },
    });
    assert.equal(warm.exitCode, 0, warm.stderr);
    const fine = await doctor([], env);
    assert.match(
      section(fine.stdout, 'Cache'),
      new RegExp(
        String.raw`^✔ cache directory .*cache-perm: yours, private \(mode 700, files 600\); ` +
          String.raw`2 cached session\(s\), 2 still valid$`,
        'm',
      ),
    );

    chmodSync(dir, 0o755);
    const file = new SessionCache(dir).list()[0];
    const { readdirSync } = await import('node:fs');
    const sessionFile = join(dir, 'sessions', readdirSync(join(dir, 'sessions'))[0] as string);
    chmodSync(sessionFile, 0o644);
    const open = await doctor([], env);
    assert.ok(file);
    assert.equal(open.exitCode, 1);
    const cache = section(open.stdout, 'Cache');
    assert.match(
      cache,
      new RegExp(`^✖ ${dir} is open to other users \\(mode 755\\)\\n {4}fix: chmod 700 ${dir}$`, 'm'),
    );
    assert.match(
      cache,
      new RegExp(`^✖ ${sessionFile} is open to other users \\(mode 644\\)\\n {4}fix: chmod 600 ${sessionFile}$`, 'm'),
    );
    chmodSync(dir, 0o700);
    chmodSync(sessionFile, 0o600);

    const link = join(box.dir, 'cache-link');
    symlinkSync(dir, link);
    const linked = await doctor([], { TFMFA_CACHE_DIR: link });
    assert.equal(linked.exitCode, 1);
    assert.match(section(linked.stdout, 'Cache'), /^✖ .*cache-link is a symlink: tfmfa refuses to use it/m);
  });

  test('*.tf files: profile = "…" in provider and backend blocks, with the overlay on and off', async () => {
    writeFileSync(
      join(project, 'main.tf'),
      `terraform {
  backend "s3" {
    bucket  = "state" # { not a brace
    profile = "team-b"
  }
}

provider "aws" {
  region  = "us-west-2"
  profile = "GEHC-056" // the role
  assume_role {
    profile = "ignored-nested"
  }
}
`,
    );
    writeFileSync(
      join(project, 'other.tf'),
      `provider "aws" {
  alias   = "plain"
  profile = "GEHC-000"
}
provider "aws" {
  alias   = "typo"
  profile = "GEHC-57"
}
/* provider "aws" {
  profile = "commented-out"
} */
`,
    );
    const on = await doctor([], {}, project);
    const tf = section(on.stdout, 'Terraform files');
    assert.match(tf, /^✔ main\.tf:4: backend "s3" sets profile = "team-b": handled: .*config overlay/m);
    assert.match(tf, /^✔ main\.tf:10: provider "aws" sets profile = "GEHC-056": handled: .*config overlay/m);
    assert.match(
      tf,
      /^✔ other\.tf:3: provider "aws" sets profile = "GEHC-000": that profile needs neither MFA nor a role/m,
    );
    assert.match(tf, /^✖ other\.tf:7: provider "aws" sets profile = "GEHC-57", which is not in /m);
    assert.doesNotMatch(tf, /ignored-nested|commented-out/);
    assert.equal(on.exitCode, 1);

    rmSync(join(project, 'other.tf'));
    const off = await doctor([], { TFMFA_OVERLAY: '0' }, project);
    assert.equal(off.exitCode, 1);
    const offLines = section(off.stdout, 'Terraform files');
    assert.match(
      offLines,
      new RegExp(
        String.raw`^✖ main\.tf:10: provider "aws" sets profile = "GEHC-056", but the config overlay is off ` +
          String.raw`\(TFMFA_OVERLAY=0\).*\n {4}fix: unset TFMFA_OVERLAY`,
        'm',
      ),
    );
    const fine = await doctor([], {}, project);
    assert.equal(fine.exitCode, 0, fine.stdout);
  });

  test('--network: GetCallerIdentity with cached credentials, else a plain request; unreachable fails', async () => {
    box.emu.resetCounts();
    const withCache = await doctor(['GEHC-056', '--network']);
    assert.equal(withCache.exitCode, 0, withCache.stdout);
    assert.match(
      section(withCache.stdout, 'Network'),
      new RegExp(
        `^✔ STS at ${box.emu.url} \\(us-west-2\\) answers: GetCallerIdentity with the cached credentials of ` +
          `'GEHC-056' → arn:aws:sts::111111111111:assumed-role/hc-master/`,
        'm',
      ),
    );
    assert.equal(box.emu.count('GetCallerIdentity'), 1);

    const noCache = await doctor(['GEHC-056', '--network'], { TFMFA_CACHE_DIR: join(box.dir, 'empty-cache') });
    assert.equal(noCache.exitCode, 0, noCache.stdout);
    assert.match(
      section(noCache.stdout, 'Network'),
      new RegExp(
        `^✔ STS endpoint ${box.emu.url} \\(us-west-2\\) is reachable \\(HTTP \\d+; no cached credentials`,
        'm',
      ),
    );
    assert.equal(box.emu.count('GetCallerIdentity'), 1, 'no signed call without credentials');

    const closed = `http://127.0.0.1:${await closedPort()}`;
    const down = await doctor(['--network'], { AWS_ENDPOINT_URL_STS: closed });
    assert.equal(down.exitCode, 1);
    assert.match(
      section(down.stdout, 'Network'),
      new RegExp(
        `^✖ cannot reach the STS endpoint ${closed} \\(us-east-1\\): ECONNREFUSED\\n {4}fix: check the network`,
        'm',
      ),
    );

    const downWithCache = await doctor(['GEHC-056', '--network'], { AWS_ENDPOINT_URL_STS: closed });
    assert.equal(downWithCache.exitCode, 1);
    assert.match(
      section(downWithCache.stdout, 'Network'),
      new RegExp(`^✖ GetCallerIdentity through ${closed} \\(us-west-2\\) failed: cannot reach STS`, 'm'),
    );
  });

  test(
    "--network probes the endpoint the STS calls use: the profile's services section, unless " +
      'configured endpoints are ignored',
    async () => {
      const config = join(box.dir, 'services-config');
      writeFileSync(
        config,
        `${readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8')}
[profile via-services]
role_arn = ${ROLE_ARN}
source_profile = GEHC-000
services = local-sts

[services local-sts]
sts =
  endpoint_url = ${box.emu.url}
`,
      );
      const env = {
        AWS_CONFIG_FILE: config,
        AWS_ENDPOINT_URL_STS: '',
        TFMFA_CACHE_DIR: join(box.dir, 'services-cache'),
      };
      const viaServices = await doctor(['via-services', '--network'], env);
      assert.match(
        section(viaServices.stdout, 'Network'),
        new RegExp(`^✔ STS endpoint ${box.emu.url} \\(us-west-2\\) is reachable`, 'm'),
        viaServices.stdout,
      );
      const ignored = await doctor(['via-services', '--network'], {
        ...env,
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      });
      assert.match(
        section(ignored.stdout, 'Network'),
        /STS endpoint https:\/\/sts\.us-west-2\.amazonaws\.com \(us-west-2\)/,
        ignored.stdout,
      );
    },
  );
});

describe('doctor helpers', () => {
  test('Node 22.15 or later', () => {
    assert.equal(nodeCheck('22.14.9').status, 'fail');
    assert.match(nodeCheck('20.19.0').fix ?? '', /install Node 22\.15 or later/);
    assert.equal(nodeCheck('22.15.0').status, 'ok');
    assert.equal(nodeCheck('24.1.0').status, 'ok');
  });

  test('profile settings: literals, expressions, nested blocks, comments and strings with braces', () => {
    const found = profileSettings(
      `provider "aws" {
  default_tags { tags = { a = "}" } }
  profile = var.profile # comment
}
provider aws {
  profile="x"
}
resource "aws_s3_bucket" "b" {
  profile = "not-a-provider"
}
`,
      'a.tf',
    );
    assert.deepEqual(found, [
      { file: 'a.tf', line: 3, block: 'provider "aws"', profile: null, expression: 'var.profile' },
      { file: 'a.tf', line: 6, block: 'provider "aws"', profile: 'x', expression: '"x"' },
    ]);
  });
});
