/**
 * The command of a long run must not outlive its credential server unnoticed (docs/security-long-runs.md): once
 * tfmfa is gone (SIGKILL, the OOM killer), the port in AWS_CONTAINER_CREDENTIALS_FULL_URI would be free, and
 * another local user who binds it would receive the command's token and hand it credentials of their choosing.
 * Two layers:
 *
 * 1. Linux: the command gets a parent-death signal, SIGTERM (what tfmfa passes on when it is told to stop), set by
 *    util-linux `setpriv --pdeathsig` right before it execs the command (Node cannot call prctl itself). It reaches
 *    the command only, not its children: a wrapper (terragrunt, terraform) stops its own on SIGTERM.
 * 2. Everywhere: the command inherits the server's listening socket as descriptor HELD_FD, and so do its children,
 *    so the port stays taken for as long as anything that may ask it lives: nobody else can bind it (the socket has
 *    no SO_REUSEPORT), and after tfmfa's death an ask is queued, never answered, and times out in the SDK.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { applyChanges } from '../environment/changes.ts';
import type { ChildOptions } from '../launch/child.ts';

/** util-linux setpriv, at fixed paths (not through PATH, which the command's environment may have changed). */
const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv'];

/**
 * The command's descriptor for the listening socket: above 3-9, which scripts use for their own redirections
 * (`exec 3>&1`, `exec 9>lock`); shells pick their private descriptors as the lowest free one from 10 up, which
 * never takes an open one.
 */
export const HELD_FD = 10;

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * `setpriv --pdeathsig TERM --`, or null: not Linux, no setpriv, a setpriv older than util-linux 2.33 (no
 * --pdeathsig), or a command that cannot be started (which is then started directly, for its one-line error).
 */
export function parentDeathWrapper(commandFile: string, platform: NodeJS.Platform = process.platform): string[] | null {
  if (platform !== 'linux' || !isExecutableFile(commandFile)) return null;
  const setpriv = SETPRIV_PATHS.find(isExecutableFile);
  if (!setpriv) return null;
  const help = spawnSync(setpriv, ['--help'], {
    env: applyChanges(process.env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 5000,
  });
  if (!help.stdout?.includes('--pdeathsig')) return null;
  return [setpriv, '--pdeathsig', 'TERM', '--'];
}

/** How the server mode starts its command: both layers where they are available. */
export function orphanGuard(
  commandFile: string,
  listeningFd: number | undefined,
): { options: ChildOptions; description: string } {
  const wrapper = parentDeathWrapper(commandFile);
  const held = listeningFd !== undefined && listeningFd >= 0;
  const options: ChildOptions = {
    ...(wrapper ? { wrapper } : {}),
    ...(held ? { extraFds: [...Array<'ignore'>(HELD_FD - 3).fill('ignore'), listeningFd] } : {}),
  };
  const parts = [
    wrapper
      ? 'a parent-death signal (setpriv --pdeathsig TERM)'
      : 'no parent-death signal (Linux with util-linux setpriv only)',
    held ? `the listening socket held as descriptor ${HELD_FD}` : 'the listening socket not held (no descriptor)',
  ];
  return { options, description: parts.join(', ') };
}
