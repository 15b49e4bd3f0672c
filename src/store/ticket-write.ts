import { utimesSync } from 'node:fs';
import { debug, warnOnce } from '../debug.ts';
import { UserError } from '../errors.ts';
import { removeFile, writeFileAtomic } from './atomic-write.ts';
import { fileStamp } from './file-stamp.ts';
import { CacheUnavailableError, ensurePrivateDir } from './private-path.ts';
import { serializeTicket, TICKET_PROFILE, type Ticket } from './ticket-format.ts';
import { renewLauncherTrust } from './ticket-trust.ts';
import { ticketPaths, ticketsDir } from './layout.ts';

/** What a ticket is made from: the settings, the AWS files as the environment names them, the changes. */
export type TicketInput = Pick<Ticket, 'minTtl' | 'overlay' | 'region' | 'changes'> & {
  configPath: string;
  credentialsPath: string;
};

/**
 * Writes a profile's ticket (content, then its launcher stamp, each atomically): valid until
 * `expiration - margin` (the static-keys margin, src/session/margin.ts; at least the ticket's minTtl), bound to
 * the identity of the AWS files it was made from, its mtime the time they were read. Profiles whose names the
 * shell could not turn into a file name get none, and so do files that cannot be identified (a dangling
 * symlink, an unreadable directory).
 */
export function writeTicket(
  cacheDir: string,
  profile: string,
  input: TicketInput,
  expiration: Date | undefined,
  derivedAtMs: number,
  marginSeconds = input.minTtl,
): void {
  if (!TICKET_PROFILE.test(profile) || !expiration) return;
  const { configPath, credentialsPath, ...settings } = input;
  const config = fileStamp(configPath);
  const credentials = fileStamp(credentialsPath);
  if (config === undefined || credentials === undefined) return;
  const deadline = Math.floor((expiration.getTime() - Math.max(marginSeconds, input.minTtl) * 1000) / 1000);
  const text = serializeTicket({ ...settings, profile, deadline, config, credentials });
  if (!text) return;
  try {
    ensurePrivateDir(cacheDir);
    ensurePrivateDir(ticketsDir(cacheDir));
    const paths = ticketPaths(cacheDir, profile);
    writeFileAtomic(paths.ticket, text);
    // Its mtime is when the AWS files were read, not now: an edit made while an MFA prompt was pending is
    // newer than the ticket and so invalidates it, for the shell launcher (-nt) and for Node alike.
    utimesSync(paths.ticket, derivedAtMs / 1000, derivedAtMs / 1000);
    renewLauncherTrust(cacheDir, profile, deadline);
  } catch (error) {
    // The private-path rule refused a directory: say so (the launcher hands over to Node until it is fixed).
    if (error instanceof UserError && !(error instanceof CacheUnavailableError))
      warnOnce('ticket-refused', `${error.message} (no ticket for the shims until then)`);
    debug(`no ticket written for '${profile}': ${(error as Error).message}`);
  }
}

export function removeTicket(cacheDir: string, profile: string): void {
  const paths = ticketPaths(cacheDir, profile);
  removeFile(paths.ticket);
  removeFile(paths.deadline);
  removeFile(paths.serve);
}
