import { present, providerInit, type SourceKind } from './kind.ts';

export interface CredentialProcessSource {
  kind: 'credential-process';
  profile: string;
  command: string;
}

/** `credential_process`: an external command printing credentials as JSON, run by the SDK's own provider. */
export const credentialProcess: SourceKind<CredentialProcessSource, 'process'> = {
  step: 'credential-process',
  listName: 'process',
  triggers: ['credential_process'],
  keys: ['credential_process'],
  detect: (section) => present(section, 'credential_process'),
  parse: (profile, section) => ({
    kind: 'credential-process',
    profile,
    command: (section.credential_process ?? '').trim(),
  }),
  async fetch(step, paths) {
    const { fromProcess } = await import('@aws-sdk/credential-providers');
    return fromProcess(providerInit(step.profile, paths))();
  },
  origin: () => 'credential_process',
  describe: (step) => `credential_process of profile '${step.profile}'`,
};
