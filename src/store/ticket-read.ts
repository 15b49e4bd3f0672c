import { fileStamp, sameStamp } from './file-stamp.ts';
import { parseTicket, TICKET_PROFILE, type Ticket } from './ticket-format.ts';
import { ticketPaths, ticketsDir } from './layout.ts';
import { isPrivate } from './private-path.ts';
import { renewLauncherTrustIfDue } from './ticket-trust.ts';

import { readFileSync, statSync } from 'node:fs';

/**
 * The profile's ticket if it is still good: owned by this user and private (with its directories), made for
 * this profile, its deadline not passed, written for the same TFMFA_MIN_TTL and overlay setting, and each AWS
 * file the environment names still the very file it was made from (same real path, device, inode, size and
 * mtime, or still absent), none newer than the ticket. Otherwise null. A good ticket renews the launcher's
 * trust in it (ticket-trust.ts).
 */
export function readTicket(
  cacheDir: string,
  profile: string,
  expect: { minTtl: number; overlay: boolean; configPath: string; credentialsPath: string },
): Ticket | null {
  if (!TICKET_PROFILE.test(profile)) return null;
  const paths = ticketPaths(cacheDir, profile);
  try {
    if (!isPrivate(cacheDir, 'dir') || !isPrivate(ticketsDir(cacheDir), 'dir') || !isPrivate(paths.ticket, 'file'))
      return null;
    const written = statSync(paths.ticket, { bigint: true }).mtimeNs;
    const ticket = parseTicket(readFileSync(paths.ticket, 'utf8'));
    if (
      !ticket ||
      ticket.profile !== profile ||
      ticket.deadline * 1000 <= Date.now() ||
      ticket.minTtl !== expect.minTtl ||
      ticket.overlay !== expect.overlay
    )
      return null;
    if (
      !sameStamp(fileStamp(expect.configPath), ticket.config) ||
      !sameStamp(fileStamp(expect.credentialsPath), ticket.credentials)
    )
      return null;
    // The stamps just matched the files as they are now, so their recorded mtimes are the files' own.
    for (const file of [ticket.config, ticket.credentials]) {
      if (file && BigInt(file.id.split(':')[3] ?? '0') > written) return null;
    }
    renewLauncherTrustIfDue(cacheDir, profile, ticket.deadline);
    return ticket;
  } catch {
    return null;
  }
}
