import { awsFilePaths } from '../config/paths.ts';
import { selectedProfile } from '../environment/profile.ts';
import { cacheDirectory, minimumTtlSeconds, overlayEnabled } from '../environment/variables.ts';
import type { Ticket } from '../store/ticket-format.ts';
import { readTicket } from '../store/ticket-read.ts';

/** The shim's profile and its ticket, if one is valid for the current settings (src/store/ticket-read.ts decides). */
export function lookUpTicket(env: NodeJS.ProcessEnv): { profile: string; ticket: Ticket | null } {
  const { profile } = selectedProfile(env);
  const ticket = readTicket(cacheDirectory(env), profile, {
    minTtl: minimumTtlSeconds(env),
    overlay: overlayEnabled(env),
    ...awsFilePaths(env),
  });
  return { profile, ticket };
}
