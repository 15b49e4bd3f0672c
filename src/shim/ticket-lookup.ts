import { readSettings } from '../environment/settings.ts';
import { awsFilePaths } from '../config/paths.ts';
import { selectedProfile } from '../environment/profile.ts';
import type { Ticket } from '../store/ticket-format.ts';
import { readTicket } from '../store/ticket-read.ts';

/** The shim's profile and its ticket, if one is valid for the current settings (src/store/ticket-read.ts decides). */
export function lookUpTicket(env: NodeJS.ProcessEnv): { profile: string; ticket: Ticket | null } {
  const { profile } = selectedProfile(readSettings(env));
  const ticket = readTicket(readSettings(env).cacheDir, profile, {
    minTtl: readSettings(env).minTtl,
    overlay: readSettings(env).overlay,
    ...awsFilePaths(readSettings(env)),
  });
  return { profile, ticket };
}
