// The published package: `npm pack` and `npm install -g` of the tarball give a working tfmfa and shims.
// Needs a prior `npm run build` (npm test does it); packs with --ignore-scripts so that it never rebuilds
// dist/ under the feet of the tests running beside it.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { renderLauncher } from '../../src/shim/launcher/render.ts';
import { NODE_DIR, ROOT } from '../support/sandbox.ts';
import { cleanEnv, createShimWorld, type ShimWorld } from '../support/shim-world.ts';

describe('npm pack + npm install -g', () => {
  let world: ShimWorld;
  let temp: string;
  let prefix: string;
  let installed: string;
  /** npm runs with the caller's environment (its cache and registry settings), Node of this project first. */
  const npmEnv = () => ({ ...process.env, PATH: `${NODE_DIR}:${process.env.PATH ?? ''}` });

  before(async () => {
    world = await createShimWorld();
    await world.warm();
    temp = mkdtempSync(join(tmpdir(), 'tfmfa-pack-'));
    prefix = join(temp, 'prefix');
    const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', temp], {
      cwd: ROOT,
      env: npmEnv(),
      reject: false,
    });
    assert.equal(packed.exitCode, 0, String(packed.stderr));
    const [info] = JSON.parse(String(packed.stdout)) as Array<{
      filename: string;
      files: Array<{ path: string; mode: number }>;
    }>;
    assert.ok(info);
    const files = new Map(info.files.map((f) => [f.path, f.mode]));
    for (const name of ['tfmfa', 'terraform', 'terragrunt', 'aws', 'tofu', 'tfmfa-launcher'])
      assert.equal((files.get(`shims/${name}`) ?? 0) & 0o777, 0o755, `shims/${name} is packed, executable`);
    assert.ok(files.has('dist/cli.js') && files.has('shims/README.md'));
    mkdirSync(prefix);
    const install = await execa(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(temp, info.filename)],
      { cwd: temp, env: npmEnv(), reject: false, timeout: 300_000 },
    );
    assert.equal(install.exitCode, 0, String(install.stderr));
    // An installed package needs no install script (the build runs in the `dependencies` script, the root's only).
    assert.doesNotMatch(
      String(install.stderr),
      /install-scripts|allowScripts|EBADENGINE/,
      'npm install -g warns about nothing',
    );
    installed = join(prefix, 'lib', 'node_modules', 'tfmfa');
  });
  after(async () => {
    rmSync(temp, { recursive: true, force: true });
    await world.cleanup();
  });

  test('the installed tfmfa runs', async () => {
    const result = await execa(join(prefix, 'bin', 'tfmfa'), ['--version'], {
      env: cleanEnv({ ...world.box.env }),
      extendEnv: false,
      reject: false,
    });
    assert.equal(result.exitCode, 0, String(result.stderr));
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(String(result.stdout), `tfmfa ${version}`);
  });

  test(
    'the installed tfmfa command is the launcher: terragrunt-auth and credential-process from ' +
      'the ticket without Node, the rest through Node',
    async () => {
      const bin = join(prefix, 'bin', 'tfmfa');
      assert.equal(
        readlinkSync(bin),
        join('..', 'lib', 'node_modules', 'tfmfa', 'shims', 'tfmfa'),
        'npm links the bin to the launcher',
      );
      assert.equal(readFileSync(bin, 'utf8'), renderLauncher({}));
      const env = cleanEnv({ ...world.box.env });
      for (const args of [
        ['terragrunt-auth', 'GEHC-056'],
        ['credential-process', 'GEHC-056'],
      ]) {
        const node = await execa(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], {
          env,
          extendEnv: false,
          reject: false,
          stdin: 'ignore',
        });
        assert.equal(node.exitCode, 0, String(node.stderr));
        // Only the bin directory on PATH: no Node could start (dist/cli.js is `#!/usr/bin/env node`), so this is the
        // shell alone.
        const typed = await execa('tfmfa', args, {
          env: { ...env, PATH: join(prefix, 'bin') },
          extendEnv: false,
          reject: false,
          stdin: 'ignore',
        });
        assert.equal(typed.exitCode, 0, String(typed.stderr));
        assert.equal(String(typed.stdout), String(node.stdout), `${args[0]}: the same bytes as Node`);
      }
      // Everything else is Node's, with the arguments as given (no __shim): also a served command the ticket cannot
      // answer.
      const help = await execa('tfmfa', ['terragrunt-auth', '--help'], {
        env: { ...env, PATH: `${join(prefix, 'bin')}:${env.PATH}` },
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      });
      assert.equal(help.exitCode, 0, String(help.stderr));
      assert.match(String(help.stdout), /^Usage: tfmfa terragrunt-auth/);
      const missing = await execa('tfmfa', ['terragrunt-auth', 'no-such-profile'], {
        env: { ...env, PATH: `${join(prefix, 'bin')}:${env.PATH}` },
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      });
      assert.equal(missing.exitCode, 2);
      assert.match(String(missing.stderr), /^tfmfa: profile 'no-such-profile' not found/);
    },
  );

  test("a checkout: shims/tfmfa runs dist/cli.js beside it, also through a link of the user's own", async () => {
    const own = join(temp, 'own-bin');
    mkdirSync(own);
    symlinkSync(join(ROOT, 'shims', 'tfmfa'), join(own, 'tfmfa'));
    for (const command of [join(ROOT, 'shims', 'tfmfa'), join(own, 'tfmfa')]) {
      const result = await execa(command, ['--version'], {
        env: cleanEnv({ ...world.box.env }),
        extendEnv: false,
        reject: false,
      });
      assert.equal(result.exitCode, 0, `${command}: ${String(result.stderr)}`);
      assert.match(String(result.stdout), /^tfmfa \d/);
      // Its standard input is the caller's (a command that reads it, through exec inside a session).
      const session = { TFMFA_PROFILE: 'GEHC-056', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
      const piped = await execa(command, ['exec', 'GEHC-056', '--', '/bin/cat'], {
        env: cleanEnv({ ...world.box.env, ...session }),
        extendEnv: false,
        reject: false,
        input: 'from the caller\n',
      });
      assert.equal(piped.exitCode, 0, `${command}: ${String(piped.stderr)}`);
      assert.equal(String(piped.stdout), 'from the caller', `${command}: stdin reaches the command`);
    }
  });

  test(
    'the installed shims/terraform reaches the real terraform with the cached session, and ' + 'Node when it must',
    async () => {
      const shims = join(installed, 'shims');
      for (const name of readdirSync(shims).filter((n) => n !== 'README.md')) {
        assert.equal(statSync(join(shims, name)).mode & 0o777, 0o755, name);
        assert.equal(readFileSync(join(shims, name), 'utf8'), renderLauncher({}), name);
      }
      const env = cleanEnv({
        ...world.box.env,
        PATH: `${shims}:${world.fakeBin}:${world.box.env.PATH}`,
        PWD: world.box.dir,
        AWS_PROFILE: 'GEHC-056',
      });
      const fast = await execa(join(shims, 'terraform'), ['plan', 'x y'], {
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        cwd: world.box.dir,
      });
      assert.equal(fast.exitCode, 0, String(fast.stderr));
      const record = world.last('terraform');
      assert.deepEqual(record.argv, ['plan', 'x y']);
      assert.match(record.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      assert.equal(record.env.TFMFA_PROFILE, 'GEHC-056');
      // By name through PATH, with the package's dist/cli.js doing the work (TFMFA_DEBUG makes the launcher hand over).
      const slow = await execa('terraform', ['plan'], {
        env: { ...env, TFMFA_DEBUG: '1' },
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        cwd: world.box.dir,
      });
      assert.equal(slow.exitCode, 0, String(slow.stderr));
      assert.match(String(slow.stderr), /tfmfa\[debug\] profile 'GEHC-056': ticket hit/);
      assert.equal(world.last('terraform').env.AWS_ACCESS_KEY_ID, record.env.AWS_ACCESS_KEY_ID);
    },
  );

  test('the installed tfmfa shim install bakes its own entry', async () => {
    const dir = join(temp, 'user-bin');
    const result = await execa(join(prefix, 'bin', 'tfmfa'), ['shim', 'install', '--dir', dir, 'terraform'], {
      env: cleanEnv({ ...world.box.env }),
      extendEnv: false,
      reject: false,
    });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(
      readFileSync(join(dir, 'terraform'), 'utf8'),
      renderLauncher({ entry: join(installed, 'dist', 'cli.js') }),
    );
    const env = cleanEnv({
      ...world.box.env,
      PATH: `${dir}:${world.fakeBin}:${world.box.env.PATH}`,
      PWD: world.box.dir,
      AWS_PROFILE: 'GEHC-056',
      TFMFA_DEBUG: '1',
    });
    const run = await execa(join(dir, 'terraform'), ['plan'], {
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      cwd: world.box.dir,
    });
    assert.equal(run.exitCode, 0, String(run.stderr));
    assert.match(String(run.stderr), /ticket hit/);
  });
});
