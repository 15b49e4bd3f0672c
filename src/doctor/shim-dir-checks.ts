import { delimiter, resolve } from 'node:path';
import { realpathSync } from 'node:fs';
import { listShims } from '../shim/install.ts';
import { shimDirs } from '../shim/shim-dirs.ts';
import { shQuote, shWord } from '../output/quoting.ts';
import { warning, type Check } from './check.ts';

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Shims `tfmfa shim install` put in a directory that is not on PATH (the PATH checks cannot see them): a
 * warning with the line to add. Directories on PATH are the per-tool checks' business.
 */
export function shimDirChecks(env: NodeJS.ProcessEnv, entryPoint: string, cwd = process.cwd()): Check[] {
  const onPath = new Set((env.PATH ?? '').split(delimiter).map((dir) => real(resolve(cwd, dir === '' ? '.' : dir))));
  const checks: Check[] = [];
  for (const dir of shimDirs(env, entryPoint, { cwd })) {
    if (onPath.has(real(resolve(cwd, dir)))) continue;
    const names = listShims(dir, entryPoint, env, cwd).map((shim) => shim.name);
    if (names.length === 0) continue;
    const line = shWord(dir) === dir ? `export PATH="${dir}:$PATH"` : `export PATH=${shQuote(dir)}":$PATH"`;
    checks.push(warning(`shims in ${dir} (${names.join(', ')}) are not on PATH, so they never run`, `add to your shell profile: ${line}`));
  }
  return checks;
}
