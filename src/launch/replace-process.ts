import { launchError } from './launch-error.ts';
import { rawExecPlan } from './raw-exec.ts';

/**
 * Replaces this process with `file` (execve): same PID, the terminal and signals go straight to the command,
 * and its exit status is ours. Where execve is missing, spawns it and mirrors its end instead.
 */
export async function replaceProcess(
  commandFile: string,
  commandArgv: string[],
  commandEnv: Record<string, string>,
): Promise<never> {
  // Values that are not valid UTF-8 go through /bin/sh as their original bytes (raw-exec.ts); else as they are.
  const { file, argv, env } = rawExecPlan(commandFile, commandArgv, commandEnv) ?? {
    file: commandFile,
    argv: commandArgv,
    env: commandEnv,
  };
  const execve = (process as { execve?: (file: string, args: string[], env: Record<string, string>) => never }).execve;
  if (typeof execve === 'function') {
    try {
      execve(file, argv, env);
    } catch (error) {
      throw launchError(file, error);
    }
  }
  return spawnAndMirror(file, argv, env);
}

/** Without execve: the command runs as our child, and its exit code or death by signal becomes ours. */
export async function spawnAndMirror(file: string, argv: string[], env: Record<string, string>): Promise<never> {
  const { mirrorEnd, startChild } = await import('./child.ts');
  const end = await startChild(file, argv, env).ended;
  process.exit(await mirrorEnd(end));
}
