// Node's compile cache for tfmfa's bundle (src/store/compile-cache.ts): kept in a private directory of its own,
// used by the cold paths, refused when the directory is not the user's alone, off with TFMFA_COMPILE_CACHE=0.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSandbox, SERIAL, type Sandbox } from '../support/sandbox.ts';

/** Every file under `dir` (Node keeps its entries in a subdirectory named after its version). */
function filesUnder(dir: string): string[] {
  if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('compile cache', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
  });
  after(() => box.cleanup());

  /** exec with no cached session: the SDK and the session code load. */
  const coldExec = (env: Record<string, string>) => {
    rmSync(box.cacheDir, { recursive: true, force: true });
    box.emu.advance(30);
    return box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true'], { env: { ...box.env, ...env } });
  };

  test('by default: ~/.cache/tfmfa-compile, created 0700, filled by a cold exec; tfmfa clear leaves it', async () => {
    const dir = join(box.home, '.cache', 'tfmfa-compile');
    const result = await coldExec({});
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const files = filesUnder(dir);
    assert.ok(files.some((file) => statSync(file).size > 10_000), `compiled code in ${dir}: ${files.join(', ')}`);
    assert.equal((await box.tfmfa(['clear'])).exitCode, 0);
    const after = filesUnder(dir);
    assert.deepEqual(files.filter((file) => !after.includes(file)), []);
  });

  test('a second cold exec reads it and writes nothing new', async () => {
    const dir = join(box.dir, 'second');
    assert.equal((await coldExec({ TFMFA_COMPILE_CACHE: dir })).exitCode, 0);
    const before = new Map(filesUnder(dir).map((file) => [file, statSync(file).mtimeMs]));
    const again = await coldExec({ TFMFA_COMPILE_CACHE: dir, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' });
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stderr, /cache for .*vendor-aws-sdk-client-sts\.mjs was accepted/);
    assert.deepEqual(new Map(filesUnder(dir).map((file) => [file, statSync(file).mtimeMs])), before);
  });

  test('XDG_CACHE_HOME moves it; TFMFA_COMPILE_CACHE=0 turns it off', async () => {
    const xdg = join(box.dir, 'xdg');
    assert.equal((await coldExec({ XDG_CACHE_HOME: xdg })).exitCode, 0);
    assert.ok(filesUnder(join(xdg, 'tfmfa-compile')).length > 0);
    const off = join(box.dir, 'xdg-off');
    assert.equal((await coldExec({ XDG_CACHE_HOME: off, TFMFA_COMPILE_CACHE: '0' })).exitCode, 0);
    assert.equal(lstatSync(join(off, 'tfmfa-compile'), { throwIfNoEntry: false }), undefined);
  });

  const refused: Array<[string, (path: string) => void]> = [
    ['open to other users (0777)', (path) => (mkdirSync(path), chmodSync(path, 0o777))],
    ['a symlink to a private directory', (path) => (mkdirSync(`${path}-target`, { mode: 0o700 }), symlinkSync(`${path}-target`, path))],
    ['a file', (path) => writeFileSync(path, '')],
  ];
  const refusedParents: Array<[string, (parent: string) => void]> = [
    ['open to others without the sticky bit (0777)', (parent) => (mkdirSync(parent), chmodSync(parent, 0o777))],
    ...(process.getuid?.() === 0 ? [['owned by another user (tfmfa run as root with that user\'s HOME)', (parent: string) => (mkdirSync(parent, { mode: 0o755 }), chownSync(parent, 65534, 65534))] as [string, (parent: string) => void]] : []),
  ];
  for (const [what, make] of refusedParents) {
    test(`a directory under a parent ${what} is not used, nor created, and tfmfa works as without it`, async () => {
      const parent = join(box.dir, `parent-${what.replace(/\W+/g, '-')}`);
      make(parent);
      const dir = join(parent, 'compile');
      const result = await coldExec({ TFMFA_COMPILE_CACHE: dir, TFMFA_DEBUG: '1' });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stderr, /compile cache off: .*is not yours or root's alone/);
      assert.equal(lstatSync(dir, { throwIfNoEntry: false }), undefined);
    });
  }

  test('a parent open to all with the sticky bit (as /tmp) is fine: nobody else can swap what is in it', async () => {
    const parent = join(box.dir, 'sticky');
    mkdirSync(parent);
    chmodSync(parent, 0o1777);
    const dir = join(parent, 'compile');
    const result = await coldExec({ TFMFA_COMPILE_CACHE: dir, TFMFA_DEBUG: '1' });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /compile cache off/);
    assert.ok(filesUnder(dir).length > 0);
  });

  for (const [what, make] of refused) {
    test(`a directory that is ${what} is not used, and tfmfa works as without it`, async () => {
      const dir = join(box.dir, `refused-${what.replace(/\W+/g, '-')}`);
      make(dir);
      const result = await coldExec({ TFMFA_COMPILE_CACHE: dir, TFMFA_DEBUG: '1' });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stderr, /compile cache off: /);
      assert.deepEqual(filesUnder(dir).concat(filesUnder(`${dir}-target`)), []);
    });
  }
});
