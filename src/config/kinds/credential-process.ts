import { withProcessVariable } from '../../environment/process-variable.ts';
import { FOREIGN_SECRET_VARIABLE_NAMES } from '../../environment/variables.ts';
import { present, providerInit, type SourceKind } from './kind.ts';

export interface CredentialProcessSource {
  kind: 'credential-process';
  profile: string;
  command: string;
}

/** The words of a command line, quotes around a word dropped: a rough split, enough to recognise a program. */
export function commandWords(command: string): string[] {
  return command
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/^['"]|['"]$/g, ''));
}

/** Where aws-vault is among `words` (its path or name), or -1. */
export function awsVaultAt(words: readonly string[]): number {
  return words.findIndex((word) => /(^|\/)aws-vault(\.exe)?$/.test(word));
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
  async fetch(step, paths, settings) {
    const { fromProcess } = await import('@aws-sdk/credential-providers');
    const provider = fromProcess(providerInit(step.profile, paths));
    const passphrase = awsVaultAt(commandWords(step.command)) >= 0 ? settings.awsVaultFilePassphrase : undefined;
    if (passphrase === undefined) return provider();
    // `credential_process = aws-vault …`: aws-vault's file backend reads its passphrase from the environment,
    // and the SDK starts the command with process.env, from which it was withdrawn: put back for this one call.
    return withProcessVariable(FOREIGN_SECRET_VARIABLE_NAMES[0], passphrase, provider);
  },
  origin: () => 'credential_process',
  describe: (step) => `credential_process of profile '${step.profile}'`,
};
