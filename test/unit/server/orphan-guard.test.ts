/**
 * The parent-death wrapper asks util-linux setpriv whether it knows --pdeathsig once per setpriv file, not once per
 * long run: the answer is remembered in the cache directory, tied to that file's stamp, and read only where the
 * private-path rule holds (src/server/orphan-guard.ts). Runs the real /usr/bin/setpriv.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parentDeathWrapper } from '../../../src/server/orphan-guard.ts';
import { fileStamp } from '../../../src/store/file-stamp.ts';
import { setprivProbePath } from '../../../src/store/layout.ts';

const SETPRIV = '/usr/bin/setpriv';
const skip = process.platform !== 'linux' || !existsSync(SETPRIV) ? 'needs Linux and util-linux setpriv' : false;

describe('setpriv --pdeathsig probe, remembered in the cache', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfmfa-orphan-guard-'));
  chmodSync(dir, 0o700);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cacheDir = join(dir, 'cache');
  const remembered = setprivProbePath(cacheDir);
  const stamp = fileStamp(SETPRIV);
  const remember = (pdeathsig: boolean, stampId = stamp?.id, mode = 0o600) => {
    writeFileSync(remembered, JSON.stringify({ setpriv: stamp?.real, stamp: stampId, pdeathsig }), { mode });
    chmodSync(remembered, mode);
  };
  const wrapper = () => parentDeathWrapper('/bin/true', 'linux', cacheDir);

  test('the first long run asks setpriv and remembers its answer for that file', () => {
    mkdirSync(cacheDir, { mode: 0o700 });
    assert.deepEqual(wrapper(), [SETPRIV, '--pdeathsig', 'TERM', '--']);
    assert.deepEqual(JSON.parse(readFileSync(remembered, 'utf8')), {
      setpriv: stamp?.real,
      stamp: stamp?.id,
      pdeathsig: true,
    });
  });

  test('the next long run takes the remembered answer without asking (a remembered "no" is obeyed)', () => {
    remember(false);
    assert.equal(wrapper(), null);
    remember(true);
    assert.deepEqual(wrapper(), [SETPRIV, '--pdeathsig', 'TERM', '--']);
  });

  test('an answer remembered for another file (setpriv upgraded: a new stamp) is asked again and rewritten', () => {
    remember(false, '0:0:0:0');
    assert.deepEqual(wrapper(), [SETPRIV, '--pdeathsig', 'TERM', '--']);
    assert.equal((JSON.parse(readFileSync(remembered, 'utf8')) as { stamp: string }).stamp, stamp?.id);
  });

  test('an answer in a file open to other users is not believed', () => {
    remember(false, stamp?.id, 0o644);
    assert.deepEqual(wrapper(), [SETPRIV, '--pdeathsig', 'TERM', '--']);
  });

  test('without a cache directory it still asks, every time', () => {
    assert.deepEqual(parentDeathWrapper('/bin/true', 'linux'), [SETPRIV, '--pdeathsig', 'TERM', '--']);
    assert.deepEqual(parentDeathWrapper('/bin/true', 'linux', join(dir, 'missing')), [
      SETPRIV,
      '--pdeathsig',
      'TERM',
      '--',
    ]);
    assert.equal(existsSync(join(dir, 'missing')), false, 'no cache directory is created for it');
  });
});
