// tfmfa shim install | list | uninstall.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { renderLauncher } from '../../src/shim/launcher/render.ts';
import { CLI, NODE_DIR, ROOT } from '../support/sandbox.ts';
import { cleanEnv, createShimWorld, type ShimWorld } from '../support/shim-world.ts';

const ENTRY = realpathSync(CLI);

describe('tfmfa shim install, list, uninstall', () => {
  let world: ShimWorld;
  let n = 0;
  /** A fresh HOME for one test. */
  const freshHome = () => {
    const home = join(world.box.dir, `home-${++n}`);
    mkdirSync(home, { recursive: true });
    return home;
  };
  const tfmfa = (args: string[], env: Record<string, string | undefined>) =>
    execa(process.execPath, [CLI, ...args], {
      env: cleanEnv({ ...world.box.env, ...env }),
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      stdin: 'ignore',
      cwd: world.box.dir,
    });

  before(async () => {
    world = await createShimWorld();
    await world.warm();
  });
  after(() => world.cleanup());

  test(
    'installs launchers with the entry baked into ~/bin when ~/.local/bin is not on PATH, and ' +
      'says how to put it on PATH',
    async () => {
      const home = freshHome();
      const result = await tfmfa(['shim', 'install'], { HOME: home, PATH: `${NODE_DIR}:/usr/bin:/bin` });
      assert.equal(result.exitCode, 0, String(result.stderr));
      const dir = join(home, 'bin');
      assert.deepEqual(readdirSync(dir).sort(), ['aws', 'terraform', 'terragrunt', 'tofu'], 'no temp file left behind');
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        assert.ok(lstatSync(path).isFile());
        assert.equal(statSync(path).mode & 0o777, 0o755);
        assert.equal(readFileSync(path, 'utf8'), renderLauncher({ entry: ENTRY }));
      }
      assert.equal(
        String(result.stdout),
        `tfmfa: installed terraform, terragrunt, aws, tofu in ${dir}
${dir} is not on PATH: add this line to your shell profile (~/.bashrc, ~/.zshrc or ~/.profile), then start a new shell:
  export PATH="${dir}:$PATH"
`,
      );
    },
  );

  test('uses ~/.local/bin when it is on PATH; no advice when it comes first', async () => {
    const home = freshHome();
    const local = join(home, '.local', 'bin');
    const result = await tfmfa(['shim', 'install', 'terraform'], {
      HOME: home,
      PATH: `${local}:${NODE_DIR}:/usr/bin:/bin`,
    });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(String(result.stdout), `tfmfa: installed terraform in ${local}\n`);
    assert.ok(existsSync(join(local, 'terraform')));
  });

  test('warns when a real binary comes before DIR on PATH; quotes a DIR with spaces', async () => {
    const home = freshHome();
    const dir = join(home, 'my shims');
    const result = await tfmfa(['shim', 'install', '--dir', dir, 'terraform', 'aws'], {
      HOME: home,
      PATH: `${world.fakeBin}:${dir}:${NODE_DIR}:/usr/bin:/bin`,
    });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(
      String(result.stdout),
      `tfmfa: installed terraform, aws in ${dir}
${dir} comes after the real terraform (${world.fakeBin}/terraform), aws (${world.fakeBin}/aws) on PATH, ` +
        `so those shims are not used: put it first in your shell profile (~/.bashrc, ~/.zshrc or ~/.profile):
  export PATH='${dir}'":$PATH"
`,
    );
  });

  test(
    'refuses to overwrite what is not a tfmfa shim (one line naming --force, nothing written); ' +
      '--force replaces it',
    async () => {
      const home = freshHome();
      const dir = join(home, 'bin');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'aws'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
      const refused = await tfmfa(['shim', 'install', '--dir', dir], { HOME: home });
      assert.equal(refused.exitCode, 1);
      assert.equal(
        String(refused.stderr),
        `tfmfa: shim install: ${dir}/aws exists and is not a tfmfa shim: move it away, pick another --dir, or ` +
          `pass --force to replace it\n`,
      );
      assert.deepEqual(readdirSync(dir), ['aws'], 'nothing installed');
      assert.equal(readFileSync(join(dir, 'aws'), 'utf8'), '#!/bin/sh\necho mine\n');
      const forced = await tfmfa(['shim', 'install', '--dir', dir, '--force'], { HOME: home });
      assert.equal(forced.exitCode, 0, String(forced.stderr));
      assert.match(String(forced.stdout), /replaced aws/);
      assert.equal(readFileSync(join(dir, 'aws'), 'utf8'), renderLauncher({ entry: ENTRY }));
    },
  );

  test(
    'replaces its own shims: launchers (also outdated ones), symlinks to tfmfa (even dangling ' +
      'ones into a removed tfmfa)',
    async () => {
      const home = freshHome();
      const dir = join(home, 'bin');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'terraform'), renderLauncher({ entry: '/old/lib/node_modules/tfmfa/dist/cli.js' }), {
        mode: 0o755,
      });
      symlinkSync(CLI, join(dir, 'aws'));
      symlinkSync('/gone/lib/node_modules/tfmfa/dist/cli.js', join(dir, 'tofu'));
      symlinkSync(join(world.launcherShims, 'terraform'), join(dir, 'terragrunt'));
      const result = await tfmfa(['shim', 'install', '--dir', dir], { HOME: home });
      assert.equal(result.exitCode, 0, String(result.stderr));
      for (const name of ['terraform', 'aws', 'tofu', 'terragrunt']) {
        assert.ok(lstatSync(join(dir, name)).isFile(), name);
        assert.equal(readFileSync(join(dir, name), 'utf8'), renderLauncher({ entry: ENTRY }), name);
      }
      assert.equal(
        readFileSync(join(world.launcherShims, 'terraform'), 'utf8'),
        renderLauncher({ entry: world.trapEntry }),
        'a linked launcher is replaced, not written through',
      );
    },
  );

  test(
    'an installed shim runs the real tool with the cached session without Node, and hands over ' +
      'to this tfmfa otherwise',
    async () => {
      const home = freshHome();
      const dir = join(home, 'bin');
      assert.equal((await tfmfa(['shim', 'install', '--dir', dir], { HOME: home })).exitCode, 0);
      const env = cleanEnv({
        ...world.box.env,
        PATH: `${dir}:${world.fakeBin}:${world.box.env.PATH}`,
        PWD: world.box.dir,
        AWS_PROFILE: 'GEHC-056',
      });
      const fast = await execa(join(dir, 'terraform'), ['plan'], {
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        cwd: world.box.dir,
      });
      assert.equal(fast.exitCode, 0, String(fast.stderr));
      assert.match(world.last('terraform').env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      const slow = await execa(join(dir, 'terraform'), ['plan'], {
        env: { ...env, TFMFA_DEBUG: '1' },
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        cwd: world.box.dir,
      });
      assert.equal(slow.exitCode, 0, String(slow.stderr));
      assert.match(
        String(slow.stderr),
        new RegExp(`tfmfa\\[debug\\] shim terraform: real binary ${world.fakeBin}/terraform`),
      );
    },
  );

  test('list: each shim and the real binary it reaches now, or why none', async () => {
    const home = freshHome();
    const dir = join(home, 'bin');
    mkdirSync(dir, { recursive: true });
    assert.equal((await tfmfa(['shim', 'install', '--dir', dir, 'terraform', 'tofu'], { HOME: home })).exitCode, 0);
    symlinkSync(CLI, join(dir, 'aws'));
    writeFileSync(join(dir, 'packer'), renderLauncher({ entry: '/gone/tfmfa/dist/cli.js' }), { mode: 0o755 });
    writeFileSync(join(dir, 'unrelated'), '#!/bin/sh\n', { mode: 0o755 });
    const path = `${dir}:${world.fakeBin}:${NODE_DIR}:/usr/bin:/bin`;
    const result = await tfmfa(['shim', 'list', '--dir', dir], { HOME: home, PATH: path });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(
      String(result.stdout),
      `${dir}:
  aws        → ${world.fakeBin}/aws (symlink to tfmfa)
  packer     → none: no real packer on PATH after the shim (its tfmfa /gone/tfmfa/dist/cli.js is gone: ` +
        `run 'tfmfa shim install --force')
  terraform  → ${world.fakeBin}/terraform
  tofu       → none: no real tofu on PATH after the shim
no real packer, tofu on PATH after the shims: install them or fix PATH (PATH=${path})
`,
    );
    const defaultDir = await tfmfa(['shim', 'list'], { HOME: home, PATH: path });
    assert.equal(String(defaultDir.stdout), String(result.stdout), 'the default directory is ~/bin here');
    const empty = await tfmfa(['shim', 'list', '--dir', join(home, 'none')], { HOME: home, PATH: path });
    assert.equal(
      String(empty.stdout),
      `no tfmfa shims in ${join(home, 'none')}: run 'tfmfa shim install --dir ${join(home, 'none')}'\n`,
    );
  });

  test("uninstall removes only tfmfa's own shims", async () => {
    const home = freshHome();
    const dir = join(home, 'bin');
    assert.equal((await tfmfa(['shim', 'install', '--dir', dir], { HOME: home })).exitCode, 0);
    symlinkSync(CLI, join(dir, 'packer'));
    writeFileSync(join(dir, 'mine'), '#!/bin/sh\n', { mode: 0o755 });
    const refused = await tfmfa(['shim', 'uninstall', '--dir', dir, 'terraform', 'mine'], { HOME: home });
    assert.equal(refused.exitCode, 1);
    assert.equal(
      String(refused.stderr),
      `tfmfa: shim uninstall: ${dir}/mine is not a tfmfa shim: left alone (nothing removed); remove it ` +
        `yourself if you mean to\n`,
    );
    assert.ok(existsSync(join(dir, 'terraform')), 'nothing removed');
    const some = await tfmfa(['shim', 'uninstall', '--dir', dir, 'terraform', 'nope'], { HOME: home });
    assert.equal(some.exitCode, 0, String(some.stderr));
    assert.equal(String(some.stdout), `tfmfa: removed terraform from ${dir}\ntfmfa: not installed in ${dir}: nope\n`);
    const all = await tfmfa(['shim', 'uninstall', '--dir', dir], { HOME: home });
    assert.equal(all.exitCode, 0, String(all.stderr));
    assert.equal(String(all.stdout), `tfmfa: removed aws, packer, terragrunt, tofu from ${dir}\n`);
    assert.deepEqual(readdirSync(dir), ['mine']);
    const none = await tfmfa(['shim', 'uninstall', '--dir', dir], { HOME: home });
    assert.equal(String(none.stdout), `no tfmfa shims in ${dir}\n`);
  });

  test(
    'the tfmfa command beside the shims (an npm bin directory) is neither listed nor removed ' + 'as a shim',
    async () => {
      const home = freshHome();
      const dir = join(home, 'bin');
      assert.equal((await tfmfa(['shim', 'install', '--dir', dir, 'terraform'], { HOME: home })).exitCode, 0);
      symlinkSync(join(ROOT, 'shims', 'tfmfa'), join(dir, 'tfmfa'));
      const listed = await tfmfa(['shim', 'list', '--dir', dir], { HOME: home });
      assert.equal(listed.exitCode, 0, String(listed.stderr));
      assert.doesNotMatch(String(listed.stdout), /^ {2}tfmfa /m);
      const removed = await tfmfa(['shim', 'uninstall', '--dir', dir], { HOME: home });
      assert.equal(String(removed.stdout), `tfmfa: removed terraform from ${dir}\n`);
      assert.deepEqual(readdirSync(dir), ['tfmfa']);
    },
  );

  test('shims installed with --dir anywhere: list, uninstall and doctor find them without --dir', async () => {
    const home = freshHome();
    const dir = join(world.box.dir, `elsewhere-${n}`, 'shims');
    const path = `${world.fakeBin}:${NODE_DIR}:/usr/bin:/bin`;
    assert.equal(
      (await tfmfa(['shim', 'install', '--dir', dir, 'terraform', 'packer'], { HOME: home, PATH: path })).exitCode,
      0,
    );
    assert.equal(
      readFileSync(join(home, '.config', 'tfmfa', 'shim-dirs'), 'utf8'),
      `${dir}\n`,
      'install records the directory',
    );
    const listed = await tfmfa(['shim', 'list'], { HOME: home, PATH: path });
    assert.equal(
      String(listed.stdout),
      `${dir}:
  packer     → none: no real packer on PATH after the shim
  terraform  → ${world.fakeBin}/terraform
${dir} is not on PATH: add this line to your shell profile (~/.bashrc, ~/.zshrc or ~/.profile), then start a new shell:
  export PATH="${dir}:$PATH"
no real packer on PATH after the shims: install it or fix PATH (PATH=${path})
`,
    );
    const doctor = await tfmfa(['doctor'], { HOME: home, PATH: path });
    assert.match(String(doctor.stdout), new RegExp(`^! shims in ${dir} \\(packer, terraform\\) are not on PATH`, 'm'));
    // XDG_CONFIG_HOME moves the record; a second directory is listed after the first
    const second = join(home, 'bin');
    assert.equal(
      (await tfmfa(['shim', 'install', '--dir', second, 'aws'], { HOME: home, PATH: `${second}:${path}` })).exitCode,
      0,
    );
    const both = await tfmfa(['shim', 'list'], { HOME: home, PATH: `${second}:${path}` });
    assert.match(String(both.stdout), new RegExp(`^${second}:\\n  aws  → ${world.fakeBin}/aws\\n${dir}:\\n`));
    const removed = await tfmfa(['shim', 'uninstall'], { HOME: home, PATH: path });
    assert.equal(
      String(removed.stdout),
      `tfmfa: removed aws from ${second}\ntfmfa: removed packer, terraform from ${dir}\n`,
    );
    assert.equal(
      readFileSync(join(home, '.config', 'tfmfa', 'shim-dirs'), 'utf8'),
      '',
      'directories without shims are forgotten',
    );
    const none = await tfmfa(['shim', 'list'], { HOME: home, PATH: path });
    assert.equal(String(none.stdout), `no tfmfa shims in ${second}: run 'tfmfa shim install'\n`);
  });

  test(
    'XDG_CONFIG_HOME holds the record when set; a PATH directory with shims is listed though ' + 'never recorded',
    async () => {
      const home = freshHome();
      const xdg = join(home, 'xdg');
      const dir = join(home, 'opt-shims');
      assert.equal(
        (await tfmfa(['shim', 'install', '--dir', dir, 'terraform'], { HOME: home, XDG_CONFIG_HOME: xdg })).exitCode,
        0,
      );
      assert.equal(readFileSync(join(xdg, 'tfmfa', 'shim-dirs'), 'utf8'), `${dir}\n`);
      const onPath = join(home, 'by-hand');
      mkdirSync(onPath, { recursive: true });
      symlinkSync(CLI, join(onPath, 'aws'));
      const path = `${onPath}:${world.fakeBin}:${NODE_DIR}:/usr/bin:/bin`;
      const listed = String((await tfmfa(['shim', 'list'], { HOME: home, XDG_CONFIG_HOME: xdg, PATH: path })).stdout);
      assert.match(listed, new RegExp(`^${dir}:$`, 'm'));
      assert.match(listed, new RegExp(`^${onPath}:\\n  aws  → ${world.fakeBin}/aws \\(symlink to tfmfa\\)$`, 'm'));
    },
  );

  test('--help for each subcommand; usage errors are one line with exit 2', async () => {
    for (const args of [
      ['shim', '--help'],
      ['shim', 'install', '--help'],
      ['shim', 'list', '-h'],
      ['shim', 'uninstall', '--help'],
      ['help', 'shim'],
    ]) {
      const result = await tfmfa(args, {});
      assert.equal(result.exitCode, 0, args.join(' '));
      assert.match(String(result.stdout), /^Usage: tfmfa shim/, args.join(' '));
    }
    const cases: Array<[string[], RegExp]> = [
      [['shim'], /^tfmfa: shim: which subcommand\? install, list or uninstall: run 'tfmfa shim --help'\n$/],
      [['shim', 'frobnicate'], /^tfmfa: shim: unknown subcommand 'frobnicate': use install, list or uninstall/],
      [
        ['shim', 'install', '--bogus'],
        /^tfmfa: shim install: Unknown option '--bogus': run 'tfmfa shim install --help'\n$/,
      ],
      [['shim', 'install', '--dir'], /^tfmfa: shim install: Option '--dir <value>' argument missing/],
      [['shim', 'install', '../terraform'], /^tfmfa: shim: '..\/terraform' is not a tool name/],
      [['shim', 'install', 'tfmfa'], /^tfmfa: shim: 'tfmfa' is tfmfa itself and cannot be a shim/],
      [['shim', 'list', 'extra'], /^tfmfa: shim list: unexpected argument 'extra'/],
      [['shim', 'uninstall', 'a/b'], /^tfmfa: shim: 'a\/b' is not a tool name/],
    ];
    for (const [args, pattern] of cases) {
      const result = await tfmfa(args, { HOME: freshHome() });
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${String(result.stderr)}`);
      assert.match(String(result.stderr), pattern);
      assert.equal(String(result.stderr).trimEnd().split('\n').length, 1, args.join(' '));
    }
  });

  test('install into a directory that cannot be created: one line', async () => {
    const home = freshHome();
    writeFileSync(join(home, 'file'), '');
    const result = await tfmfa(['shim', 'install', '--dir', join(home, 'file', 'bin')], { HOME: home });
    assert.equal(result.exitCode, 1);
    assert.match(String(result.stderr), /^tfmfa: shim install: cannot create .*file\/bin: .*: pick another --dir\n$/);
  });
});
