import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { oneLine, UserError } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { isPrivate } from './private-path.ts';

/**
 * The cancellation marker of one lock (docs/prompt-cancel.md): when the user cancels the prompt of the
 * process holding the lock (Ctrl-C at the terminal, Cancel in a dialog: exit 130), the holder writes a new
 * marker before it lets go, and every process that was already waiting for that lock ends with the same line
 * instead of asking again. A process that starts waiting later sees the marker as it already was and asks.
 *
 * The marker is a 0600 file written atomically (a fresh random id and the message) in the 0700 locks
 * directory; it is trusted only while it is private (a regular file of this user, closed to others), so no
 * other user can plant one to stop this user's runs.
 */
export interface Cancellation {
  /** New for every cancellation: what tells a waiter that one happened while it waited. */
  id: string;
  /** The line the cancelled run printed (without `tfmfa: `). */
  message: string;
}

/** The marker as it is now, or undefined (none, unreadable, or not private). */
export function readCancellation(path: string): Cancellation | undefined {
  if (!isPrivate(path, 'file')) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Cancellation>;
    if (typeof parsed.id !== 'string' || typeof parsed.message !== 'string' || parsed.message === '') return undefined;
    return { id: parsed.id, message: oneLine(parsed.message).slice(0, 500) };
  } catch {
    return undefined;
  }
}

/** Records a cancellation; a marker that cannot be written only means the waiters will ask again. */
export function recordCancellation(path: string, message: string): boolean {
  try {
    writeFileAtomic(
      path,
      `${JSON.stringify({ id: randomBytes(16).toString('hex'), message, at: new Date().toISOString() })}\n`,
    );
    return true;
  } catch {
    return false;
  }
}

/** The error of a cancellation that happened after `seen` was read, or undefined when none did. */
export function cancelledSince(path: string, seen: Cancellation | undefined): UserError | undefined {
  const now = readCancellation(path);
  return now && now.id !== seen?.id ? new UserError(now.message, 130) : undefined;
}

/** A user's cancellation of a prompt: the one-line error with exit status 130 (Ctrl-C, Ctrl-D, Cancel). */
export function isCancellation(error: unknown): error is UserError {
  return error instanceof UserError && error.exitCode === 130;
}
