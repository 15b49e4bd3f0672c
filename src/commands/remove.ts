import type { Settings } from '../environment/settings.ts';
import { backendLabel } from '../keystore/types.ts';
import { UserError } from '../errors.ts';
import { loadUserFiles } from '../config/chain.ts';
import { dropSessionsOf } from '../keystore/drop-sessions.ts';
import { checkProfileName } from '../keystore/key-input.ts';
import { deleteKeys, openKeyStore, withKeystoreLock } from '../keystore/store.ts';
import { parseCommand, printHelp } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'remove',
  summary: "delete a profile's stored keys and the sessions made from them",
  usage: 'PROFILE',
  about: `Deletes the long-term keys of PROFILE from tfmfa's key store (OS keyring item or encrypted file entry)
and every cached session made from them. The [profile PROFILE] section of the config file stays; the
key itself stays valid in IAM (deactivate or delete it there if it should stop working).`,
  options: {},
  positionals: { kind: 'profile' },
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const profile = checkProfileName('remove', positionals[0], positionals.slice(1));
  const store = openKeyStore(settings);
  const removed = await withKeystoreLock(settings, () => deleteKeys(store, profile));
  if (!removed) {
    const files = await loadUserFiles(settings).catch(() => undefined);
    const plaintext = files?.credentialsSections.get(profile)?.aws_access_key_id
      ? ` (its keys are in ${files?.credentialsPath}, not in the store)`
      : '';
    throw new UserError(
      `remove: profile '${profile}' has no stored keys${plaintext}: 'tfmfa list' shows where each profile's keys are`,
    );
  }
  const sessions = dropSessionsOf(settings.cacheDir, removed.accessKeyId);
  const dropped = sessions.length ? `, and ${sessions.length} cached session(s) made from it` : '';
  const from = `the ${backendLabel(removed.backend)}${dropped}`;
  process.stdout.write(`tfmfa: removed ${removed.accessKeyId} of profile '${profile}' from ${from}\n`);
  return 0;
}
