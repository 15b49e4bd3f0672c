import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { cacheFileName, SessionCache, type CacheEntry } from '../../../src/store/session-cache.ts';
import { openCache } from '../../../src/session/resolve-credentials.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfmfa-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const entry = (key: string): CacheEntry => ({
  version: 1,
  key,
  kind: 'role',
  label: 'role x',
  profile: 'p',
  accessKeyId: 'ASIAX',
  secretAccessKey: 'secret',
  sessionToken: 'token',
  expiration: new Date(Date.now() + 3600_000).toISOString(),
  createdAt: new Date().toISOString(),
});
const mode = (path: string) => statSync(path).mode & 0o777;

describe('session cache', () => {
  test('creates 0700 directories and 0600 files, and leaves no temp file behind', () => {
    const dir = join(tempDir(), 'cache');
    const cache = new SessionCache(dir).prepare();
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(cache.sessionsDir), 0o700);
    assert.equal(cache.write(entry('k1')), true);
    assert.deepEqual(readdirSync(cache.sessionsDir), [cacheFileName('k1')]);
    assert.equal(mode(join(cache.sessionsDir, cacheFileName('k1'))), 0o600);
    assert.equal(cache.read('k1')?.key, 'k1');
    assert.equal(cache.read('k1')?.secretAccessKey, 'secret');
  });

  test('a rewrite replaces the file by rename (a reader never sees a half-written entry)', () => {
    const cache = new SessionCache(tempDir()).prepare();
    cache.write(entry('k'));
    const before = statSync(join(cache.sessionsDir, cacheFileName('k'))).ino;
    cache.write({ ...entry('k'), accessKeyId: 'ASIAY' });
    assert.notEqual(statSync(join(cache.sessionsDir, cacheFileName('k'))).ino, before);
    assert.equal(cache.read('k')?.accessKeyId, 'ASIAY');
  });

  test('corrupt, truncated, foreign or unreadable entries are misses, never crashes', () => {
    const cache = new SessionCache(tempDir()).prepare();
    const path = join(cache.sessionsDir, cacheFileName('k'));
    const good = JSON.stringify(entry('k'));
    for (const text of [
      '',
      '{',
      good.slice(0, good.length / 2),
      'null',
      '[]',
      JSON.stringify({ ...entry('k'), version: 2 }),
      JSON.stringify({ ...entry('k'), expiration: 'soon' }),
      JSON.stringify(entry('other-key')),
    ]) {
      writeFileSync(path, text);
      assert.equal(cache.read('k'), null, `content ${JSON.stringify(text.slice(0, 30))}`);
    }
    rmSync(path);
    mkdirSync(path);
    assert.equal(cache.read('k'), null, 'a directory where the file should be');
    rmSync(path, { recursive: true });
    assert.equal(cache.write(entry('k')), true, 'the bad entry is replaced');
    assert.equal(cache.read('k')?.key, 'k');
  });

  test('refuses a cache directory open to others, with the chmod to run', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    assert.throws(() => new SessionCache(dir).prepare(), /open to other users \(mode 755\): run 'chmod 700 /);
  });

  test(
    'refuses a cache directory owned by another user',
    { skip: process.getuid?.() !== 0 && 'needs root to chown' },
    () => {
      const dir = tempDir();
      chmodSync(dir, 0o700);
      chownSync(dir, 4242, 4242);
      assert.throws(() => new SessionCache(dir).prepare(), /owned by uid 4242, not you/);
    },
  );

  test('a cache directory that cannot be created means no cache (with a warning), not a failure', () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'file'), '');
    assert.equal(openCache(join(parent, 'file', 'cache')), null);
  });

  test('list returns readable entries and skips corrupt ones', () => {
    const cache = new SessionCache(tempDir()).prepare();
    cache.write(entry('a'));
    cache.write(entry('b'));
    writeFileSync(join(cache.sessionsDir, 'junk.json'), '{nope');
    assert.deepEqual(
      cache
        .list()
        .map((e) => e.key)
        .sort(),
      ['a', 'b'],
    );
    assert.equal(cache.remove('a'), true);
    assert.deepEqual(
      cache.list().map((e) => e.key),
      ['b'],
    );
  });
});
