import { awsFilePaths } from '../config/paths.ts';
import type { Settings } from '../environment/settings.ts';
import type { Ticket } from '../store/ticket-format.ts';
import { readTicket } from '../store/ticket-read.ts';

/** The profile's ticket, if one is valid for the current settings (src/store/ticket-read.ts decides). */
export function lookUpTicket(profile: string, settings: Settings): Ticket | null {
  return readTicket(settings.cacheDir, profile, {
    minTtl: settings.minTtl,
    overlay: settings.overlay,
    ...awsFilePaths(settings),
  });
}
