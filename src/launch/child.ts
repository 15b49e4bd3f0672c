/**
 * The command as tfmfa's child, for when tfmfa stays the parent (exec --server) or cannot execve: signals
 * handled as a wrapper must (SIGTERM and SIGHUP passed on; SIGINT and SIGQUIT, which the terminal already sent
 * to the whole process group, not sent again: a second SIGINT makes Terraform abort hard), and the child's end
 * mirrored as tfmfa's own.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { launchError } from './launch-error.ts';
import { rawExecPlan } from './raw-exec.ts';

/** How the child ended: an exit code, or the signal that killed it. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningChild {
  pid: number | undefined;
  /** Resolves when the child has exited; rejects when it could not be started. */
  ended: Promise<ChildEnd>;
}

/** Signals sent to tfmfa that the child must get too. */
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];
/**
 * Signals the terminal already delivers to the whole foreground process group (Ctrl-C, Ctrl-\): the child
 * has them, and a second SIGINT makes Terraform abort hard. tfmfa ignores them and waits for the child.
 */
const IGNORED: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

/** How the server mode starts its command (src/server/orphan-guard.ts); nothing by default. */
export interface ChildOptions {
  /**
   * A program that execs the command (its arguments up to the command's path): the command's argv[0] becomes its
   * path.
   */
  wrapper?: string[];
  /** The command's file descriptors from 3 on: an open descriptor of ours to hand over, or 'ignore' (closed). */
  extraFds?: Array<number | 'ignore'>;
}

/**
 * Starts the command as our child, in our process group, with our stdio. Signal handling lasts exactly as long
 * as the child: SIGTERM and SIGHUP are passed on, SIGINT and SIGQUIT ignored.
 */
export function startChild(
  commandFile: string,
  commandArgv: string[],
  commandEnv: Record<string, string>,
  options: ChildOptions = {},
): RunningChild {
  // Values that are not valid UTF-8 go through /bin/sh as their original bytes (raw-exec.ts); else as they are.
  const plan = rawExecPlan(commandFile, commandArgv, commandEnv) ?? {
    file: commandFile,
    argv: commandArgv,
    env: commandEnv,
  };
  const [wrapper, ...wrapperArgs] = options.wrapper ?? [];
  const { file, argv, env } = wrapper
    ? { file: wrapper, argv: [wrapper, ...wrapperArgs, plan.file, ...plan.argv.slice(1)], env: plan.env }
    : plan;
  const stdio = ['inherit', 'inherit', 'inherit', ...(options.extraFds ?? [])] as const;
  const child = spawn(file, argv.slice(1), { argv0: argv[0] ?? file, env, stdio: [...stdio] });
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of FORWARDED) handlers.set(signal, () => void child.kill(signal));
  for (const signal of IGNORED) handlers.set(signal, () => undefined);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const restore = () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    handlers.clear();
  };
  const ended = new Promise<ChildEnd>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Only a failed start ends things here: with a process (e.g. a signal it could not be sent), 'exit' decides.
      if (child.pid !== undefined) return;
      restore();
      reject(launchError(file, error));
    });
    child.once('exit', (code, signal) => {
      restore();
      resolve({ code, signal });
    });
  });
  return { pid: child.pid, ended };
}

/**
 * Ends tfmfa the way the child ended: its exit code is returned; a signal is raised again on ourselves with the
 * default action restored (the signal handlers are gone by now), so that a shell sees "killed by SIGTERM".
 * Where that does not kill us (a signal Node ignores, such as SIGPIPE), the shell convention 128+n is returned.
 */
export async function mirrorEnd(end: ChildEnd): Promise<number> {
  if (end.signal) {
    try {
      process.kill(process.pid, end.signal);
    } catch {
      // not a signal we can send ourselves: fall through to the number
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    return 128 + (constants.signals[end.signal] ?? 0);
  }
  return end.code ?? 1;
}
