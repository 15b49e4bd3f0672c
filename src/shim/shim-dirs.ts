import type { Settings } from '../environment/settings.ts';
import { configDirectory } from '../keystore/location.ts';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { debug } from '../debug.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { defaultShimDir, isShimIn } from './install.ts';
import { SHIM_TOOLS } from './tools.ts';

/**
 * Where tfmfa's shims are, so that `shim list`, `shim uninstall` and `doctor` find the ones `shim install --dir`
 * put anywhere: `install` records each directory it writes to in a small file under the user's config
 * directory ($XDG_CONFIG_HOME/tfmfa/shim-dirs, else ~/.config/tfmfa/shim-dirs; one absolute path a line), and
 * `uninstall` forgets a directory once no shim is left in it. Not a secret, and not the cache: `tfmfa clear`
 * must not make tfmfa forget where its shims are.
 */
export function shimDirsRecord(settings: Settings): string {
  return join(configDirectory(settings), 'shim-dirs');
}

export function recordedShimDirs(settings: Settings): string[] {
  try {
    return [
      ...new Set(
        readFileSync(shimDirsRecord(settings), 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('/')),
      ),
    ];
  } catch {
    return [];
  }
}

function writeRecord(settings: Settings, dirs: string[]): void {
  const path = shimDirsRecord(settings);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileAtomic(path, dirs.map((dir) => `${dir}\n`).join(''), 0o644);
  } catch (error) {
    // The shims work without the record; only list/uninstall/doctor without --dir would not see this directory.
    debug(`cannot record the shim directories in ${path}: ${(error as Error).message}`);
  }
}

export function rememberShimDir(dir: string, settings: Settings): void {
  const dirs = recordedShimDirs(settings);
  if (!dirs.includes(dir)) writeRecord(settings, [...dirs, dir]);
}

export function forgetShimDir(dir: string, settings: Settings): void {
  const dirs = recordedShimDirs(settings);
  if (dirs.includes(dir))
    writeRecord(
      settings,
      dirs.filter((d) => d !== dir),
    );
}

/** Whether `dir` holds at least one tfmfa shim (a launcher or a symlink to tfmfa). */
export function holdsShims(dir: string, entry: string, names?: readonly string[]): boolean {
  let found: string[];
  try {
    found = names ? [...names] : readdirSync(dir);
  } catch {
    return false;
  }
  return found.some((name) => isShimIn(dir, name, entry));
}

function sameDir(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/**
 * The directories `shim install` made or would make: the default one and every recorded one that still exists.
 * With `onPath`, also every PATH directory holding a shim named after a known tool (the package's shims/, a
 * shim copied by hand). Each directory once (by real path), in that order.
 */
export function shimDirs(
  settings: Settings,
  entry: string,
  options: { onPath?: boolean; cwd?: string } = {},
): string[] {
  const cwd = options.cwd ?? process.cwd();
  const candidates = [defaultShimDir(settings, cwd), ...recordedShimDirs(settings).filter((dir) => existsSync(dir))];
  if (options.onPath) {
    for (const entryDir of (settings.path ?? '').split(delimiter)) {
      const dir = resolve(cwd, entryDir === '' ? '.' : entryDir);
      if (holdsShims(dir, entry, SHIM_TOOLS)) candidates.push(dir);
    }
  }
  const result: string[] = [];
  for (const dir of candidates) if (!result.some((known) => sameDir(known, dir))) result.push(dir);
  return result;
}
