import { createFileOnce, writeStampAtomic } from './atomic-write.ts';
import { clockPath, ticketPaths } from './layout.ts';

import { existsSync, statSync } from 'node:fs';
import { LAUNCHER_TRUST_SECONDS, SERVE_EXTRA_SECONDS } from './ticket-format.ts';

/**
 * How long the shell launcher may use a ticket without Node. The launcher checks ownership and symlinks itself
 * but cannot see file modes without running a command, so Node, each time it has checked the whole private-path
 * rule for a ticket (cache directory, tickets directory, ticket), sets `<profile>.deadline` to the ticket's
 * deadline or LAUNCHER_TRUST_SECONDS from now, whichever comes first. It also makes sure the launcher's clock
 * file exists, 0600: the launcher only truncates it and hands over to Node when it is missing, so it never
 * creates a file with the caller's umask.
 *
 * Callers have checked the rule; failures (a full disk) are theirs to ignore.
 */
export function renewLauncherTrust(
  cacheDir: string,
  profile: string,
  deadlineSeconds: number,
  nowMs = Date.now(),
): void {
  try {
    createFileOnce(clockPath(cacheDir), '');
  } catch {
    // a full or read-only disk: the launcher hands over to Node, which works uncached
  }
  const paths = ticketPaths(cacheDir, profile);
  writeStampAtomic(paths.deadline, Math.min(deadlineSeconds, nowMs / 1000 + LAUNCHER_TRUST_SECONDS));
  // tfmfa-launcher's credential_process: the same trust, ending SERVE_EXTRA_SECONDS before the ticket's deadline.
  writeStampAtomic(paths.serve, Math.min(deadlineSeconds - SERVE_EXTRA_SECONDS, nowMs / 1000 + LAUNCHER_TRUST_SECONDS));
}

/**
 * After Node read a good ticket: renews the stamp when less than half of LAUNCHER_TRUST_SECONDS is left (or the
 * clock is missing), so that Node shims do not write on every run. Never fails: a ticket that cannot be
 * renewed (a read-only disk) is still good for Node.
 */
export function renewLauncherTrustIfDue(
  cacheDir: string,
  profile: string,
  deadlineSeconds: number,
  nowMs = Date.now(),
): void {
  try {
    const stamp = statSync(ticketPaths(cacheDir, profile).deadline, { throwIfNoEntry: false });
    const left = stamp ? Math.min(deadlineSeconds * 1000, stamp.mtimeMs) - nowMs : 0;
    if (
      left >= (LAUNCHER_TRUST_SECONDS * 1000) / 2 &&
      existsSync(clockPath(cacheDir)) &&
      existsSync(ticketPaths(cacheDir, profile).serve)
    )
      return;
    renewLauncherTrust(cacheDir, profile, deadlineSeconds, nowMs);
  } catch {
    // the launcher hands over to Node until a write succeeds
  }
}
