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
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { applyChanges } from '../environment/changes.ts';
import type { ChildOptions } from '../launch/child.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { fileStamp } from '../store/file-stamp.ts';
import { setprivProbePath } from '../store/layout.ts';
import { isPrivate } from '../store/private-path.ts';

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

/** Asks setpriv's help whether it knows --pdeathsig (util-linux >= 2.33); undefined when it could not tell. */
function askSetpriv(setpriv: string): boolean | undefined {
  const help = spawnSync(setpriv, ['--help'], {
    env: applyChanges(process.env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 5000,
  });
  return help.status === 0 ? help.stdout.includes('--pdeathsig') : undefined;
}

/**
 * Whether `setpriv` knows --pdeathsig. The answer is remembered in the cache directory (layout.ts) for that very
 * file (its real path and stamp: an upgrade asks again), so a long run does not start setpriv twice; the file is
 * read only where the private-path rule holds for it and its directory.
 */
export function knowsPdeathsig(setpriv: string, cacheDir?: string): boolean {
  const stamp = fileStamp(setpriv);
  // The answer is read and written only in a cache directory the private-path rule holds for.
  const remembered = stamp && cacheDir !== undefined && isPrivate(cacheDir, 'dir') ? setprivProbePath(cacheDir) : null;
  if (remembered && isPrivate(remembered, 'file')) {
    try {
      const probe = JSON.parse(readFileSync(remembered, 'utf8')) as {
        setpriv?: unknown;
        stamp?: unknown;
        pdeathsig?: unknown;
      };
      if (probe.setpriv === stamp?.real && probe.stamp === stamp?.id && typeof probe.pdeathsig === 'boolean')
        return probe.pdeathsig;
    } catch {
      // unreadable or not JSON: asked again, and rewritten
    }
  }
  const pdeathsig = askSetpriv(setpriv);
  if (pdeathsig !== undefined && remembered) {
    try {
      writeFileAtomic(remembered, `${JSON.stringify({ setpriv: stamp?.real, stamp: stamp?.id, pdeathsig })}\n`);
    } catch {
      // a cache that cannot be written: the next long run asks again
    }
  }
  return pdeathsig ?? false;
}

/**
 * `setpriv --pdeathsig TERM --`, or null: not Linux, no setpriv, a setpriv older than util-linux 2.33 (no
 * --pdeathsig), or a command that cannot be started (which is then started directly, for its one-line error).
 * `cacheDir` remembers setpriv's answer (knowsPdeathsig).
 */
export function parentDeathWrapper(
  commandFile: string,
  platform: NodeJS.Platform = process.platform,
  cacheDir?: string,
): string[] | null {
  if (platform !== 'linux' || !isExecutableFile(commandFile)) return null;
  const setpriv = SETPRIV_PATHS.find(isExecutableFile);
  if (!setpriv || !knowsPdeathsig(setpriv, cacheDir)) return null;
  return [setpriv, '--pdeathsig', 'TERM', '--'];
}

/** How the server mode starts its command: both layers where they are available. */
export function orphanGuard(
  commandFile: string,
  listeningFd: number | undefined,
  cacheDir?: string,
): { options: ChildOptions; description: string } {
  const wrapper = parentDeathWrapper(commandFile, process.platform, cacheDir);
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
