import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { AwsFilePaths } from './paths.ts';
import type { AwsFiles, ProfileSection } from './types.ts';

const SSO_SESSION_PREFIX = 'sso-session.';
const SERVICES_PREFIX = 'services.';

/** Reads both AWS files with the SDK's own parser. Missing files are empty. */
export async function loadAwsFiles(paths: AwsFilePaths): Promise<AwsFiles> {
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
  return { ...paths, profiles, configProfileNames, ssoSessions, services, credentialsSections };
}
