import { UserError } from '../../errors.ts';
import { present, type SourceKind } from './kind.ts';

export type CredentialSourceName = 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer';

const NAMES: readonly CredentialSourceName[] = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];

export interface CredentialSourceSource {
  kind: 'credential-source';
  profile: string;
  source: CredentialSourceName;
}

/** `credential_source` on a role profile: where the role's base credentials come from. */
export const credentialSource: SourceKind<CredentialSourceSource, 'credential_source'> = {
  step: 'credential-source',
  listName: 'credential_source',
  triggers: ['credential_source'],
  keys: ['credential_source'],
  detect: (section) => present(section, 'credential_source'),
  parse(profile, section) {
    const value = section.credential_source ?? '';
    const source = NAMES.find((name) => name === value.trim());
    if (!source)
      throw new UserError(
        `profile '${profile}': credential_source '${value}' is not supported: use one of ${NAMES.join(', ')}`,
        2,
      );
    return { kind: 'credential-source', profile, source };
  },
  async fetch(step) {
    const providers = await import('@aws-sdk/credential-providers');
    if (step.source === 'Environment') return providers.fromEnv()();
    if (step.source === 'EcsContainer') return providers.fromContainerMetadata()();
    return providers.fromInstanceMetadata()();
  },
  origin: (step) => `credential_source ${step.source}`,
  describe: (step) => `credential_source ${step.source} of profile '${step.profile}'`,
};
