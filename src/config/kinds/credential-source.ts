import { UserError } from '../../errors.ts';
import type { CredentialSourceName, CredentialSourceSource } from '../types.ts';

const NAMES: readonly CredentialSourceName[] = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];

/** `credential_source` on a role profile: where the role's base credentials come from. */
export function credentialSource(profile: string, value: string): CredentialSourceSource {
  const source = NAMES.find((name) => name === value.trim());
  if (!source) {
    throw new UserError(`profile '${profile}': credential_source '${value}' is not supported: use one of ${NAMES.join(', ')}`, 2);
  }
  return { kind: 'credential-source', profile, source };
}
