import type { CredentialProcessSource, ProfileSection } from '../types.ts';

/** `credential_process`: an external command printing credentials as JSON. */
export function hasCredentialProcess(section: ProfileSection): boolean {
  return Boolean(section.credential_process?.trim());
}

export function credentialProcessSource(profile: string, section: ProfileSection): CredentialProcessSource {
  return { kind: 'credential-process', profile, command: (section.credential_process ?? '').trim() };
}
