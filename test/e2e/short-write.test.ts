// Issue 21.1: a short write is never taken for a whole one. Every writer (the credentials file, the key vault, the
// key index, the session cache, tickets, the config overlay) is driven into a short write for real: on a full
// tmpfs (root only: mount) and under a file-size limit (`ulimit -f`: the write stops at the limit, then EFBIG;
// Node ignores SIGXFSZ, so the process is not killed). Afterwards the file is byte-for-byte what it was (or
// absent, or complete), no temp file is left, and a user file's failure is one line naming the file and the cause.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { FileBackend } from '../../src/keystore/file-backend.ts';
import { readKeyIndex, writeKeyIndex, type KeyIndex } from '../../src/keystore/key-index.ts';
import { CLI, ROLE_B, type TfmfaResult } from '../support/sandbox.ts';
import { createKeystoreSandbox, PASSPHRASE } from './keystore/support.ts';

type Box = Awaited<ReturnType<typeof createKeystoreSandbox>>;

const IS_ROOT = process.getuid?.() === 0;
const PAGE = 4096;

function mountTmpfs(dir: string, size: string): { dir: string; unmount(): void } | null {
  if (!IS_ROOT) return null;
  mkdirSync(dir, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]).status !== 0) return null;
  return { dir, unmount: () => void spawnSync('umount', ['-l', dir]) };
}
const canMount = (() => {
  const probe = mountTmpfs(join(tmpdir(), `tfmfa-short-probe-${process.pid}`), '4k');
  probe?.unmount();
  if (probe) rmSync(probe.dir, { recursive: true, force: true });
  return probe !== null;
})();

/** Fills the file system of `dir` with page-sized files, then frees `pages` of them: exactly that much space left. */
function leaveFree(dir: string, pages: number): void {
  const fillers = join(dir, 'fillers');
  mkdirSync(fillers, { recursive: true });
  const full: string[] = [];
  for (let i = 0; ; i++) {
    const path = join(fillers, `f${i}`);
    try {
      writeFileSync(path, Buffer.alloc(PAGE, 1));
      full.push(path);
    } catch {
      rmSync(path, { force: true });
      break;
    }
  }
  for (const path of full.slice(full.length - pages)) unlinkSync(path);
  const stat = statfsSync(dir);
  assert.equal(stat.bavail * stat.bsize, pages * PAGE, `exactly ${pages} page(s) free`);
}

/** The units of `ulimit -f` in /bin/sh (512 bytes in dash and POSIX shells, 1024 in bash): measured. */
const ULIMIT_UNIT = (() => {
  const file = join(tmpdir(), `tfmfa-ulimit-unit-${process.pid}`);
  spawnSync('sh', [
    '-c',
    `ulimit -f 1; exec "$0" -e "try { require('fs').writeFileSync(process.argv[1], Buffer.alloc(8192)) } catch ` +
      `{}" "${file}"`,
    process.execPath,
  ]);
  const unit = statSync(file).size;
  rmSync(file);
  return unit;
})();

/**
 * tfmfa in a child whose file-size limit is `bytes` (a multiple of the shell's unit), as `ulimit -f` in a login
 * shell sets it.
 */
function limited(box: Box, bytes: number, args: string[], env: Record<string, string> = {}): Promise<TfmfaResult> {
  assert.equal(bytes % ULIMIT_UNIT, 0);
  return execa('sh', ['-c', `ulimit -f ${bytes / ULIMIT_UNIT}; exec "$0" "$@"`, process.execPath, CLI, ...args], {
    env: { ...box.env, ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  }) as unknown as Promise<TfmfaResult>;
}

function oneLineFailure(result: TfmfaResult, file: RegExp, cause: RegExp): void {
  assert.equal(result.signal, undefined, `not killed by a signal (SIGXFSZ must be ignored): ${result.signal}`);
  assert.notEqual(result.exitCode, 0, `the command fails; stdout: ${result.stdout}`);
  const lines = String(result.stderr).split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.match(lines[0] as string, /^tfmfa: cannot write /);
  assert.match(lines[0] as string, file);
  assert.match(lines[0] as string, cause);
  assert.match(lines[0] as string, /unchanged/);
}

const temps = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.tmp')) : [];

/** A credentials file with GEHC-000's keys and 24 other profiles' (about 5 KB): more than a page. */
function credentialsWithOthers(box: Box): string {
  let text =
    `# team keys (dotfiles)\n[GEHC-000]\naws_access_key_id ` +
    `= ${box.user.accessKeyId}\naws_secret_access_key = ${box.user.secretAccessKey}\n`;
  for (let i = 0; i < 24; i++) {
    const n = String(i).padStart(2, '0');
    text +=
      `\n# profile other-${n}: the ${n}th team account, keep\n[other-${n}]\naws_access_key_id = ` +
      `AKIAOTHER${n.padEnd(11, 'X')}\naws_secret_access_key = ${`secret${n}`.padEnd(40, 's')}\nregion = eu-west-1\n`;
  }
  return text;
}

/** A vault holding `count` profiles (about 120 bytes each once encrypted). */
async function vaultWith(dir: string, count: number): Promise<void> {
  const vault = new FileBackend(dir, async () => PASSPHRASE);
  for (let i = 0; i < count; i++)
    await vault.set(`vaulted-${i}`, {
      accessKeyId: `AKIAVAULT${String(i).padStart(11, '0')}`,
      secretAccessKey: `${i}`.padEnd(40, 'v'),
    });
}

function indexWith(path: string, count: number): void {
  const index: KeyIndex = new Map();
  for (let i = 0; i < count; i++)
    index.set(`indexed-${i}`, {
      backend: 'file',
      accessKeyId: `AKIAINDEX${String(i).padStart(11, '0')}`,
      addedAt: '2026-12-01T00:00:00.000Z',
    });
  writeKeyIndex(path, index);
}

async function vaultProfiles(dir: string): Promise<number> {
  const vault = new FileBackend(dir, async () => PASSPHRASE);
  let n = 0;
  for (let i = 0; ; i++) {
    if (!(await vault.get(`vaulted-${i}`))) return n;
    n++;
  }
}

const addEnv = (id: string) => ({
  AWS_ACCESS_KEY_ID: `AKIANEWKEY${id.padEnd(10, '0')}`,
  AWS_SECRET_ACCESS_KEY: 'n'.repeat(40),
});

describe('short writes of user files', () => {
  let box: Box;
  let counter = 0;
  before(async () => {
    box = await createKeystoreSandbox();
  });
  after(() => box.cleanup());
  const fresh = (name: string) => join(box.dir, `${name}-${++counter}`);

  describe('on a full tmpfs', { skip: !canMount && 'needs root and mount (tmpfs); CI runs .ci/run as root' }, () => {
    test('import: the credentials file keeps the 24 other profiles, the command fails in one line', async () => {
      const mount = mountTmpfs(fresh('mnt'), '64k');
      assert.ok(mount);
      try {
        const credentials = join(mount.dir, 'credentials');
        const text = credentialsWithOthers(box);
        assert.ok(text.length > PAGE);
        writeFileSync(credentials, text, { mode: 0o600 });
        leaveFree(mount.dir, 1);
        const result = await box.tfmfa(['import', 'GEHC-000', '--yes'], {
          env: { ...box.env, AWS_SHARED_CREDENTIALS_FILE: credentials, XDG_CONFIG_HOME: fresh('xdg') },
        });
        oneLineFailure(result, /credentials/, /ENOSPC.*free some space/);
        assert.equal(readFileSync(credentials, 'utf8'), text, 'the credentials file is byte-for-byte what it was');
        assert.deepEqual(temps(mount.dir), []);
      } finally {
        mount.unmount();
      }
    });

    test('add: the vault keeps every profile', async () => {
      const mount = mountTmpfs(fresh('mnt'), '128k');
      assert.ok(mount);
      try {
        const dir = join(mount.dir, 'tfmfa');
        await vaultWith(dir, 60);
        const vault = readFileSync(join(dir, 'vault.json'), 'utf8');
        assert.ok(vault.length > 2 * PAGE, `vault is ${vault.length} bytes`);
        leaveFree(mount.dir, 1);
        const result = await box.tfmfa(['add', 'newcomer', '--env', '--no-verify'], {
          env: { ...box.env, XDG_CONFIG_HOME: mount.dir, ...addEnv('1') },
        });
        oneLineFailure(result, /vault\.json/, /ENOSPC/);
        assert.equal(readFileSync(join(dir, 'vault.json'), 'utf8'), vault, 'the vault is byte-for-byte what it was');
        assert.equal(await vaultProfiles(dir), 60);
        assert.deepEqual(temps(dir), []);
      } finally {
        mount.unmount();
      }
    });

    test('add: the key index keeps every entry', async () => {
      const mount = mountTmpfs(fresh('mnt'), '128k');
      assert.ok(mount);
      try {
        const dir = join(mount.dir, 'tfmfa');
        await vaultWith(dir, 1);
        indexWith(join(dir, 'keys.json'), 150);
        const index = readFileSync(join(dir, 'keys.json'), 'utf8');
        assert.ok(index.length > 3 * PAGE, `index is ${index.length} bytes`);
        leaveFree(mount.dir, 2); // the vault (one page) is rewritten; the index (four or more) is not
        const result = await box.tfmfa(['add', 'newcomer', '--env', '--no-verify'], {
          env: { ...box.env, XDG_CONFIG_HOME: mount.dir, ...addEnv('2') },
        });
        oneLineFailure(result, /keys\.json/, /ENOSPC/);
        assert.equal(readFileSync(join(dir, 'keys.json'), 'utf8'), index, 'the key index is byte-for-byte what it was');
        assert.equal(readKeyIndex(join(dir, 'keys.json')).size, 150);
        assert.deepEqual(temps(dir), []);
      } finally {
        mount.unmount();
      }
    });
  });

  describe('under a file-size limit (ulimit -f)', () => {
    test('import: the credentials file keeps the 24 other profiles; EFBIG in one line, not SIGXFSZ', async () => {
      const credentials = join(fresh('aws'), 'credentials');
      mkdirSync(join(credentials, '..'), { recursive: true });
      const text = credentialsWithOthers(box);
      writeFileSync(credentials, text, { mode: 0o600 });
      const result = await limited(box, 4096, ['import', 'GEHC-000', '--yes'], {
        AWS_SHARED_CREDENTIALS_FILE: credentials,
        XDG_CONFIG_HOME: fresh('xdg'),
      });
      oneLineFailure(result, /credentials/, /EFBIG.*ulimit -f/);
      assert.equal(readFileSync(credentials, 'utf8'), text);
      assert.deepEqual(temps(join(credentials, '..')), []);
    });

    test('add: the vault keeps every profile', async () => {
      const xdg = fresh('xdg');
      const dir = join(xdg, 'tfmfa');
      await vaultWith(dir, 60);
      const vault = readFileSync(join(dir, 'vault.json'), 'utf8');
      const result = await limited(box, 4096, ['add', 'newcomer', '--env', '--no-verify'], {
        XDG_CONFIG_HOME: xdg,
        ...addEnv('3'),
      });
      oneLineFailure(result, /vault\.json/, /EFBIG/);
      assert.equal(readFileSync(join(dir, 'vault.json'), 'utf8'), vault);
      assert.equal(await vaultProfiles(dir), 60);
      assert.deepEqual(temps(dir), []);
    });

    test('add: the key index keeps every entry', async () => {
      const xdg = fresh('xdg');
      const dir = join(xdg, 'tfmfa');
      await vaultWith(dir, 1);
      indexWith(join(dir, 'keys.json'), 150);
      const index = readFileSync(join(dir, 'keys.json'), 'utf8');
      const result = await limited(box, 4096, ['add', 'newcomer', '--env', '--no-verify'], {
        XDG_CONFIG_HOME: xdg,
        ...addEnv('4'),
      });
      oneLineFailure(result, /keys\.json/, /EFBIG/);
      assert.equal(readFileSync(join(dir, 'keys.json'), 'utf8'), index);
      assert.deepEqual(temps(dir), []);
    });
  });
});

/** Every regular file under `dir`, with its size. */
function filesUnder(dir: string): Array<[string, number]> {
  const found: Array<[string, number]> = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      const stat = statSync(child);
      if (stat.isDirectory()) walk(child);
      else found.push([child.slice(dir.length), stat.size]);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

const PRINT_CONFIG = "process.stdout.write(require('fs').readFileSync(process.env.AWS_CONFIG_FILE, 'utf8'))";
/** 120 more profiles: the config (and so its overlay) is well over a page. */
const MANY_PROFILES =
  Array.from({ length: 120 }, (_, i) => `[profile filler-${i}]\nregion = us-east-1\n`).join('') +
  '[profile the-last-one]\nregion = eu-north-1\n';
/** One role profile per run, each on its own MFA device (a code is accepted once per device). */
const RUNS = 8;
const deviceOf = (run: number) => `arn:aws:iam::222222222222:mfa/short-write-${run}`;
const ROLE_PROFILES = Array.from(
  { length: RUNS },
  (_, run) =>
    `[profile short-${run}]\nsource_profile = GEHC-000\nrole_arn = ${ROLE_B}\nmfa_serial = ${deviceOf(run)}\n`,
).join('');

describe('short writes of the cache: session cache, tickets, overlay', () => {
  let box: Box;
  let counter = 0;
  before(async () => {
    box = await createKeystoreSandbox();
    for (let run = 0; run < RUNS; run++) box.emu.addMfaDevice({ serial: deviceOf(run) });
    box.writeConfig(ROLE_PROFILES + MANY_PROFILES);
  });
  let runs = 0;
  after(() => box.cleanup());

  const run = (
    env: Record<string, string>,
    runner: (args: string[], env: Record<string, string>) => Promise<TfmfaResult>,
  ) => {
    const n = runs++;
    assert.ok(n < RUNS);
    return runner(
      [
        'exec',
        `short-${n}`,
        '--mfa-token',
        box.emu.currentCode(deviceOf(n)),
        '--',
        process.execPath,
        '-e',
        PRINT_CONFIG,
      ],
      { ...box.env, ...env },
    );
  };

  function assertNothingTruncated(cacheDir: string, limit: number | undefined, childConfig: string): void {
    for (const [path, size] of filesUnder(cacheDir)) {
      assert.ok(!path.endsWith('.tmp'), `no temp file left: ${path}`);
      if (limit !== undefined)
        assert.notEqual(size, limit, `${path} stopped at the size limit: a short write was renamed into place`);
      if (path.startsWith('/sessions/'))
        assert.doesNotThrow(() => JSON.parse(readFileSync(join(cacheDir, path), 'utf8')), `${path} is whole JSON`);
      if (/\/overlay\/[^/]+\/config$/.test(path))
        assert.match(
          readFileSync(join(cacheDir, path), 'utf8'),
          /\[profile the-last-one\]\nregion = eu-north-1\n/,
          `${path} is whole`,
        );
    }
    assert.match(
      childConfig,
      /\[profile the-last-one\]\nregion = eu-north-1$/,
      "the child read a whole config (the overlay or the user's own)",
    );
  }

  test('ulimit -f 512 bytes: exec works uncached; no session entry, ticket or overlay is cut short', async () => {
    const cacheDir = join(box.dir, `cache-${++counter}`);
    const limit = 512;
    assert.equal(limit % ULIMIT_UNIT, 0, `the shell's ulimit unit (${ULIMIT_UNIT}) divides ${limit}`);
    const result = await run(
      { TFMFA_CACHE_DIR: cacheDir },
      (args, env) =>
        execa('sh', ['-c', `ulimit -f ${limit / ULIMIT_UNIT}; exec "$0" "$@"`, process.execPath, CLI, ...args], {
          env,
          extendEnv: false,
          reject: false,
          stdin: 'ignore',
        }) as unknown as Promise<TfmfaResult>,
    );
    assert.equal(result.signal, undefined, 'not killed by SIGXFSZ');
    assert.equal(result.exitCode, 0, result.stderr);
    assertNothingTruncated(cacheDir, limit, String(result.stdout));
    assert.ok(
      filesUnder(cacheDir).some(([path]) => path.startsWith('/locks/')),
      'the run did use this cache',
    );
  });

  test('ulimit -f 1 KiB and 4 KiB: the same (a ticket and the overlay are larger than these)', async () => {
    for (const limit of [1024, 4096]) {
      const cacheDir = join(box.dir, `cache-${++counter}`);
      const result = await run(
        { TFMFA_CACHE_DIR: cacheDir },
        (args, env) =>
          execa('sh', ['-c', `ulimit -f ${limit / ULIMIT_UNIT}; exec "$0" "$@"`, process.execPath, CLI, ...args], {
            env,
            extendEnv: false,
            reject: false,
            stdin: 'ignore',
          }) as unknown as Promise<TfmfaResult>,
      );
      assert.equal(result.signal, undefined);
      assert.equal(result.exitCode, 0, result.stderr);
      assertNothingTruncated(cacheDir, limit, String(result.stdout));
    }
  });

  test(
    'full tmpfs: exec works uncached; the overlay is whole or absent',
    { skip: !canMount && 'needs root and mount (tmpfs); CI runs .ci/run as root' },
    async () => {
      for (const pages of [2, 3, 4, 5]) {
        // the lock salt, session entries and a ticket take a page each before the overlay
        const mount = mountTmpfs(join(box.dir, `mnt-${++counter}`), '64k');
        assert.ok(mount);
        try {
          const cacheDir = join(mount.dir, 'cache');
          mkdirSync(cacheDir, { mode: 0o700 });
          leaveFree(mount.dir, pages);
          const result = await run(
            { TFMFA_CACHE_DIR: cacheDir },
            (args, env) =>
              execa(process.execPath, [CLI, ...args], {
                env,
                extendEnv: false,
                reject: false,
                stdin: 'ignore',
              }) as unknown as Promise<TfmfaResult>,
          );
          assert.equal(result.exitCode, 0, result.stderr);
          assertNothingTruncated(cacheDir, undefined, String(result.stdout));
        } finally {
          mount.unmount();
        }
      }
    },
  );
});
