import type { Settings } from '../environment/settings.ts';
import { exportLine, listShims, pathDirectories, realOrResolved } from '../shim/install.ts';
import { shimDirs } from '../shim/shim-dirs.ts';
import { warning, type Check } from './check.ts';

/**
 * Shims `tfmfa shim install` put in a directory that is not on PATH (the PATH checks cannot see them): a
 * warning with the line to add. Directories on PATH are the per-tool checks' business.
 */
export function shimDirChecks(settings: Settings, entryPoint: string, cwd = process.cwd()): Check[] {
  const onPath = new Set(pathDirectories(settings, cwd));
  const checks: Check[] = [];
  for (const dir of shimDirs(settings, entryPoint, { cwd })) {
    if (onPath.has(realOrResolved(dir, cwd))) continue;
    const names = listShims(dir, entryPoint, settings, cwd).map((shim) => shim.name);
    if (names.length === 0) continue;
    checks.push(
      warning(
        `shims in ${dir} (${names.join(', ')}) are not on PATH, so they never run`,
        `add to your shell profile: ${exportLine(dir).trim()}`,
      ),
    );
  }
  return checks;
}
