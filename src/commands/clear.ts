import type { Settings } from '../environment/settings.ts';
import { NoCredentialsError } from '../config/resolve.ts';
import type { AwsFiles } from '../config/files.ts';
import { warn } from '../debug.ts';
import { UserError } from '../errors.ts';
import { clearEverything, clearKeys, clearTicket, ownCacheDir } from '../store/clear.ts';
import { chainOf, loadUserFiles } from '../config/chain.ts';
import { compareNames, requireKnownProfile } from '../views/profiles.ts';
import { cacheEntries, chainSteps, finalCacheKey } from '../views/sessions.ts';
import { parseCommand, printHelp } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'clear',
  summary: "remove cached sessions: all, or those of a profile's chain",
  usage: '[PROFILE...]',
  about: `Without a profile: removes every cached session, every ticket and the config overlays whose AWS files are gone
(an overlay holds no secret, and a command running in a session may still read it).
With profiles: removes the cached sessions each profile's chain uses (its roles and the MFA session they
come from) and the tickets that depend on them. The MFA session of a device is shared by every role
on that device: clearing one of them means the next new role on the device asks for a code again.

Prints what it removed (descriptions, never secrets). Never touches your long-term keys or your AWS
config and credentials files.`,
  options: {},
  positionals: { kind: 'profiles' },
  footer: `Examples:
  tfmfa clear               # forget everything
  tfmfa clear prod staging  # forget what prod and staging use`,
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const cacheDir = settings.cacheDir;
  if (positionals.length === 0) return clearAll(cacheDir);
  return clearProfiles(cacheDir, [...new Set(positionals)], settings);
}

function clearAll(cacheDir: string): number {
  const result = clearEverything(cacheDir);
  const lines = result.sessions.map((label) => `removed ${label}`);
  if (result.otherSessionFiles) lines.push(`removed ${result.otherSessionFiles} unreadable cache file(s)`);
  if (result.tickets.length) lines.push(`removed the tickets of ${result.tickets.map((p) => `'${p}'`).join(', ')}`);
  if (result.overlays) lines.push(`removed ${result.overlays} config overlay(s) whose AWS files are gone`);
  if (result.keptOverlays)
    lines.push(
      `kept ${result.keptOverlays} config overlay(s): commands running in a session may read them (they hold ` +
        `no secret)`,
    );
  if (lines.length === 0) lines.push(`nothing cached in ${cacheDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function clearProfiles(cacheDir: string, profiles: string[], settings: Settings): Promise<number> {
  const files = await loadUserFiles(settings);
  for (const profile of profiles) requireKnownProfile('clear', files, profile);
  // Which keys to drop, all worked out before anything is removed (unknown profiles have stopped the command).
  const keys = new Set<string>();
  for (const profile of profiles) {
    try {
      for (const step of chainSteps(chainOf(files, profile, settings))) keys.add(step.cacheKey);
    } catch (error) {
      if (error instanceof NoCredentialsError) continue; // nothing of it is ever cached
      if (!(error instanceof UserError)) throw error;
      // A profile tfmfa cannot resolve can still have entries from before the config changed: match by profile.
      const recorded = cacheEntries(cacheDir).filter((entry) => entry.profile === profile);
      recorded.forEach((entry) => keys.add(entry.key));
      warn(`${error.message}: clearing only the ${recorded.length} cached session(s) recorded for '${profile}'`);
    }
  }
  const lines: string[] = [];
  const exists = ownCacheDir(cacheDir);
  const removed = exists ? clearKeys(cacheDir, keys) : [];
  lines.push(...removed.map((entry) => `removed ${entry.label}`));
  if (exists) {
    const tickets = profilesToUntick(files, profiles, new Set(removed.map((entry) => entry.key)), settings).filter(
      (profile) => clearTicket(cacheDir, profile),
    );
    if (tickets.length) lines.push(`removed the tickets of ${tickets.map((p) => `'${p}'`).join(', ')}`);
  }
  const sessionKeys = new Set(removed.filter((entry) => entry.kind === 'session').map((entry) => entry.key));
  const sharing = profilesUsing(files, sessionKeys, settings).filter((name) => !profiles.includes(name));
  if (sharing.length)
    lines.push(
      `note: ${sharing.map((p) => `'${p}'`).join(', ')} used the same MFA session: their next new role session ` +
        `asks for an MFA code`,
    );
  if (lines.length === 0) lines.push(`nothing cached for ${profiles.map((p) => `'${p}'`).join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The profiles whose chains use any of these cache keys. */
function profilesUsing(files: AwsFiles, keys: Set<string>, settings: Settings): string[] {
  if (keys.size === 0) return [];
  const result: string[] = [];
  for (const name of [...files.profiles.keys()].sort(compareNames)) {
    try {
      if (chainSteps(chainOf(files, name, settings)).some((step) => keys.has(step.cacheKey))) result.push(name);
    } catch {
      // a profile that does not resolve uses nothing
    }
  }
  return result;
}

/** The named profiles, and every other profile whose final credentials were among the removed entries. */
function profilesToUntick(files: AwsFiles, named: string[], removedKeys: Set<string>, settings: Settings): string[] {
  const result = new Set(named);
  for (const name of files.profiles.keys()) {
    if (result.has(name)) continue;
    try {
      const chain = chainOf(files, name, settings);
      const finals = [finalCacheKey(chain, true), finalCacheKey(chain, false)];
      if (finals.some((key) => key !== undefined && removedKeys.has(key))) result.add(name);
    } catch {
      // a profile that does not resolve has no ticket
    }
  }
  return [...result].sort(compareNames);
}
