import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { loadStoredKeys } from './kinds/stored-keys.ts';
import type { AwsFilePaths } from './paths.ts';
import type { AwsFiles, ProfileSection } from './files.ts';

const SSO_SESSION_PREFIX = 'sso-session.';
const SERVICES_PREFIX = 'services.';

/** The SDK's loader treats a file it cannot read as empty; tfmfa says what is wrong instead. */
function checkReadable(path: string, variable: string): void {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory())
    throw new UserError(
      `${path} is a directory, not an AWS ${variable === 'AWS_CONFIG_FILE' ? 'config' : 'credentials'} file: ` +
        `fix ${variable}`,
      2,
    );
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new UserError(
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code}): fix its permissions or ${variable}`,
      2,
    );
  }
  // The SDK's parser refuses these section names and its loader then drops the whole file without a word.
  const blocked = /^\s*\[\s*((?:profile\s+)?__proto__)\s*\]/m.exec(readFileSync(path, 'utf8'));
  if (blocked)
    throw new UserError(
      `${path}: the section [${blocked[1]}] is not allowed (the AWS SDKs reject the whole file for it): rename ` +
        `or remove it`,
      2,
    );
}

/**
 * Reads both AWS files with the SDK's own parser. Missing files are empty. The parser is imported lazily: in
 * the bundle it is then the very module instance the AWS SDK uses (dist/vendor-*), not a second copy compiled
 * into tfmfa's own chunks, and the SDK's reads of the same files find them in its cache.
 */
export async function loadAwsFiles(paths: AwsFilePaths): Promise<AwsFiles> {
  checkReadable(paths.configPath, 'AWS_CONFIG_FILE');
  checkReadable(paths.credentialsPath, 'AWS_SHARED_CREDENTIALS_FILE');
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: paths.configPath,
    filepath: paths.credentialsPath,
    ignoreCache: true,
  });
  const profiles = new Map<string, ProfileSection>();
  const configProfileNames = new Set<string>();
  const ssoSessions = new Map<string, ProfileSection>();
  const services = new Map<string, ProfileSection>();
  for (const [name, section] of Object.entries(configFile)) {
    if (name.startsWith(SSO_SESSION_PREFIX)) ssoSessions.set(name.slice(SSO_SESSION_PREFIX.length), section);
    else if (name.startsWith(SERVICES_PREFIX)) services.set(name.slice(SERVICES_PREFIX.length), section);
    else {
      profiles.set(name, { ...section });
      configProfileNames.add(name);
    }
  }
  // The credentials file wins over the config file for the same key, as in the AWS CLI.
  const credentialsSections = new Map<string, ProfileSection>();
  for (const [name, section] of Object.entries(credentialsFile)) {
    credentialsSections.set(name, section);
    profiles.set(name, { ...profiles.get(name), ...section });
  }
  const storedKeys = loadStoredKeys(paths.keyIndexPath, profiles);
  return { ...paths, profiles, configProfileNames, ssoSessions, services, credentialsSections, storedKeys };
}
