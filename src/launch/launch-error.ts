import { UserError } from '../errors.ts';

/** A command that cannot be started: 127 when it is not there, 126 when it cannot run, as shells report it. */
export function launchError(file: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`cannot run ${file}: no such file`, 127);
  if (code === 'EACCES') return new UserError(`cannot run ${file}: permission denied (is it executable?)`, 126);
  if (code === 'ENOEXEC')
    return new UserError(`cannot run ${file}: not an executable format (a script without #! line?)`, 126);
  return new UserError(`cannot run ${file}: ${(error as Error).message}`, 126);
}
