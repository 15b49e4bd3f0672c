import { constants } from 'node:os';
import { UserError } from '../errors.ts';

/**
 * Replaces this process with `file` (execve): same PID, the terminal and signals go straight to the command,
 * and its exit status is ours. Where execve is missing, spawns it and mirrors its end instead.
 */
export async function replaceProcess(file: string, argv: string[], env: Record<string, string>): Promise<never> {
  const execve = (process as { execve?: (file: string, args: string[], env: Record<string, string>) => never }).execve;
  if (typeof execve === 'function') {
    try {
      execve(file, argv, env);
    } catch (error) {
      throw launchError(file, error);
    }
  }
  const { spawn } = await import('node:child_process');
  return spawnAndMirror(spawn, file, argv, env);
}

function launchError(file: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`cannot run ${file}: no such file`, 127);
  if (code === 'EACCES') return new UserError(`cannot run ${file}: permission denied (is it executable?)`, 126);
  if (code === 'ENOEXEC') return new UserError(`cannot run ${file}: not an executable format (a script without #! line?)`, 126);
  return new UserError(`cannot run ${file}: ${(error as Error).message}`, 126);
}

/**
 * Fallback without execve: stdio inherited; SIGTERM and SIGHUP forwarded; SIGINT not forwarded, because the
 * terminal already sent Ctrl-C to the whole process group and a second SIGINT makes Terraform abort hard.
 */
export function spawnAndMirror(spawn: typeof import('node:child_process').spawn, file: string, argv: string[], env: Record<string, string>): Promise<never> {
  return new Promise<never>((_, reject) => {
    const child = spawn(file, argv.slice(1), { argv0: argv[0], env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers: Array<[NodeJS.Signals, () => void]> = [
      ['SIGTERM', forward('SIGTERM')],
      ['SIGHUP', forward('SIGHUP')],
      ['SIGINT', () => undefined],
      ['SIGQUIT', () => undefined],
    ];
    for (const [signal, handler] of handlers) process.on(signal, handler);
    child.on('error', (error) => reject(launchError(file, error)));
    child.on('exit', (code, signal) => {
      for (const [name, handler] of handlers) process.off(name, handler);
      if (signal) {
        process.kill(process.pid, signal);
        // Still alive (the signal was caught or ignored): exit as a shell would report it.
        process.exit(128 + (constants.signals[signal] ?? 0));
      }
      process.exit(code ?? 1);
    });
  });
}
