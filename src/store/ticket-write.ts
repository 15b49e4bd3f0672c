import { closeSync, openSync, renameSync, utimesSync } from 'node:fs';
import { debug } from '../debug.ts';
import { removeFile, writeFileAtomic } from './atomic-write.ts';
import { ensurePrivateDir } from './private-path.ts';
import { serializeTicket, TICKET_PROFILE, type Ticket } from './ticket-format.ts';
import { ticketPaths, ticketsDir } from './layout.ts';

/**
 * Writes a profile's ticket (content, then its deadline stamp, each atomically): valid until
 * `expiration - margin` (the static-keys margin, src/session/margin.ts; the ticket's minTtl when omitted), stamped with the time its AWS files were read. Profiles whose names the shell could not turn into a file name get none.
 */
export function writeTicket(cacheDir: string, profile: string, ticket: Ticket, expiration: Date | undefined, derivedAtMs: number, marginSeconds = ticket.minTtl): void {
  if (!TICKET_PROFILE.test(profile) || !expiration) return;
  const text = serializeTicket(ticket);
  if (!text) return;
  try {
    ensurePrivateDir(ticketsDir(cacheDir));
    const paths = ticketPaths(cacheDir, profile);
    writeFileAtomic(paths.ticket, text);
    // Its mtime is when the AWS files were read, not now: an edit made while an MFA prompt was pending is
    // newer than the ticket and so invalidates it, for the shell launcher (-nt) and for Node alike.
    utimesSync(paths.ticket, derivedAtMs / 1000, derivedAtMs / 1000);
    const deadline = (expiration.getTime() - Math.max(marginSeconds, ticket.minTtl) * 1000) / 1000;
    const temp = `${paths.deadline}.${process.pid}.tmp`;
    closeSync(openSync(temp, 'w', 0o600));
    utimesSync(temp, deadline, deadline);
    renameSync(temp, paths.deadline);
  } catch (error) {
    debug(`no ticket written for '${profile}': ${(error as Error).message}`);
  }
}

export function removeTicket(cacheDir: string, profile: string): void {
  const paths = ticketPaths(cacheDir, profile);
  removeFile(paths.ticket);
  removeFile(paths.deadline);
}
