import { isAbsolute, resolve } from 'node:path';
import which from 'which';
import { UserError } from '../errors.ts';

/** The file a command name runs, searched on the given PATH (names with a slash are taken as paths). */
export function findCommand(name: string, path: string | undefined, cwd = process.cwd()): string {
  if (name.includes('/')) return isAbsolute(name) ? name : resolve(cwd, name);
  const found = which.sync(name, { nothrow: true, path: path ?? '' });
  if (!found) throw new UserError(`command not found: ${name}: install it or check PATH`, 127);
  return found;
}
