import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { ARROW, formatDuration, renderTable } from '../views/table.ts';
import { loadUserFiles } from '../config/chain.ts';
import { compareNames, describeProfiles, type ProfileInfo } from '../views/profiles.ts';
import { describeSessions, type SessionInfo } from '../views/sessions.ts';
import { describeLoginSessions } from '../views/login-sessions.ts';
import { keyLocationLabel } from '../views/key-location.ts';
import { parseCommand, printHelp } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'list',
  summary: 'list profiles and cached sessions (no secrets)',
  usage: '[--json]',
  about: `Lists the profiles of your AWS config and credentials files (name, kind, role ARN, MFA device, region
and the source chain, or the configuration error of a profile that does not resolve) and the sessions
tfmfa has cached and the 'aws login' sessions of login_session profiles (what they are, for which profile, and
the time left). Never prints a secret.

Kinds: static (access keys in a plaintext file), stored (access keys in tfmfa's key store), role (role_arn),
sso, process (credential_process), login (login_session: 'aws login'), credential_source,
none (no credentials of its own, e.g. only a region). KEYS: where the profile's own long-term keys
live: keyring or file (tfmfa's key store, see 'tfmfa add'), plaintext (an AWS file), - (none).`,
  options: {
    json: {
      type: 'boolean',
      help: `print one JSON document instead of tables:
{"version":1,"configFile","credentialsFile","cacheDir",
 "profiles":[{"name","kind","keys","roleArn","mfaSerial","region","chain","source","error"}],
 "sessions":[{"label","kind","profile","expiration","secondsLeft","expired"}]}
(absent values are null)`,
    },
    names: {
      type: 'boolean',
      hidden: true,
      help: 'profile names, one per line, for the shell completion scripts (fast, silent on errors)',
    },
  },
  positionals: { kind: 'none' },
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  if (positionals.length > 0)
    throw new UserError(
      `list: unexpected argument '${positionals[0]}': 'tfmfa list' takes no profile (try 'tfmfa ` +
        `doctor ${positionals[0]}')`,
      2,
    );
  if (values.names) return printNames(settings);

  const files = await loadUserFiles(settings);
  const cacheDir = settings.cacheDir;
  const profiles = describeProfiles(files, settings);
  const sessions = [...describeSessions(cacheDir), ...describeLoginSessions(files, settings)];
  if (values.json) {
    const document = {
      version: 1,
      configFile: files.configPath,
      credentialsFile: files.credentialsPath,
      cacheDir,
      profiles,
      sessions,
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    `${renderProfiles(profiles, files.configPath, files.credentialsPath)}\n\n${renderSessions(sessions, cacheDir)}\n`,
  );
  return 0;
}

async function printNames(settings: Settings): Promise<number> {
  try {
    const files = await loadUserFiles(settings);
    const names = [...files.profiles.keys()].sort(compareNames);
    if (names.length) process.stdout.write(`${names.join('\n')}\n`);
  } catch {
    // completion must never print an error into the user's command line
  }
  return 0;
}

function renderProfiles(profiles: ProfileInfo[], configPath: string, credentialsPath: string): string {
  if (profiles.length === 0) return `No profiles in ${configPath} or ${credentialsPath}.`;
  const rows = profiles.map((p) => [
    p.name,
    p.kind,
    keyLocationLabel(p.keys),
    p.roleArn ?? '-',
    p.mfaSerial ?? '-',
    p.region ?? '-',
    p.error ? `error: ${p.error}` : (p.chain ?? []).join(ARROW),
  ]);
  const table = renderTable(['PROFILE', 'KIND', 'KEYS', 'ROLE', 'MFA DEVICE', 'REGION', 'CHAIN'], rows);
  return `Profiles (${configPath}, ${credentialsPath}):\n${table}`;
}

function renderSessions(sessions: SessionInfo[], cacheDir: string): string {
  if (sessions.length === 0) return `No cached sessions in ${cacheDir}.`;
  const rows = sessions.map((s) => [
    s.profile,
    s.kind,
    s.expired
      ? s.kind === 'login' && s.expiration
        ? 'expired (refreshed on use)'
        : 'expired'
      : formatDuration(s.secondsLeft),
    s.label,
  ]);
  return `Cached sessions (${cacheDir}):\n${renderTable(['PROFILE', 'KIND', 'TIME LEFT', 'SESSION'], rows)}`;
}
