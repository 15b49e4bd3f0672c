import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from './errors.ts';

/**
 * tfmfa's Node entry point, the one resolver: what installed launchers hand over to, what the overlay's
 * credential_process lines run, what doctor reports. dist/cli.js beside this module (src/cli.ts when the
 * sources run directly, as in some tests), by real path.
 */
let resolved: string | undefined;

export function entryPoint(): string {
  if (resolved) return resolved;
  for (const name of ['./cli.js', './cli.ts']) {
    const path = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(path)) return (resolved = realpathSync(path));
  }
  throw new UserError("cannot find tfmfa's entry point (dist/cli.js): reinstall tfmfa");
}

/** `<pkg>/dist/cli.js` of some tfmfa installation (a package.json named tfmfa beside dist/). */
export function isTfmfaEntryPoint(real: string): boolean {
  if (basename(real) !== 'cli.js' || basename(dirname(real)) !== 'dist') return false;
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(dirname(real)), 'package.json'), 'utf8')) as { name?: string };
    return pkg.name === 'tfmfa';
  } catch {
    return false;
  }
}
