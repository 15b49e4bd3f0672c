import { awsFilePaths } from '../config/paths.ts';
import { overlayEnabled } from '../overlay/enabled.ts';
import { cacheDirectory, minimumTtlSeconds } from '../environment/settings.ts';
import type { Ticket } from '../store/ticket-format.ts';
import { readTicket } from '../store/ticket-read.ts';
import { shimProfile } from '../environment/profile.ts';

/** The shim's profile and its ticket, if one is valid for the current settings (src/ticket/read.ts decides). */
export function lookUpTicket(env: NodeJS.ProcessEnv): { profile: string; ticket: Ticket | null } {
  const profile = shimProfile(env);
  const ticket = readTicket(cacheDirectory(env), profile, { minTtl: minimumTtlSeconds(env), overlay: overlayEnabled(env), ...awsFilePaths(env) });
  return { profile, ticket };
}
