import type { Settings } from '../environment/settings.ts';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { resolveUserFile } from '../store/atomic-write.ts';
import { loadUserFiles } from '../config/chain.ts';
import { checkKeysRemovable, ensureConfigProfile, removeKeyLines, withoutKeyLines } from '../keystore/aws-file-edit.ts';
import { checkProfileName } from '../keystore/key-input.ts';
import { askRequired } from '../keystore/terminal-prompt.ts';
import { chooseBackend, openKeyStore, putKeys, withKeystoreLock } from '../keystore/store.ts';
import { checkKeys, type LongTermKeys } from '../keystore/types.ts';
import { parseCommand, printHelp } from './args.ts';
import { defineCommand } from './command.ts';
import { command as fromAwsVault } from './import-aws-vault-command.ts';

export const command = defineCommand({
  name: 'import',
  summary: 'move long-term keys from the credentials file into the key store',
  usage: '[PROFILE...] [--yes]',
  about: `Moves the long-term keys (aws_access_key_id, aws_secret_access_key) of the given profiles, or of every
profile that has them, from ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE) into tfmfa's key store,
then removes exactly those key lines from the file (and the header of a section they leave with
nothing else), atomically, every other byte kept, so that no plaintext copy remains. A credentials
file that is a symlink is edited where it points (the link stays); one with other hard links is
refused. Each profile also gets a [profile NAME] section in the config file if it has
none. Temporary keys (with aws_session_token) are not imported.

Asks before changing the file. The backend is chosen as for 'tfmfa add'.`,
  options: {
    from: {
      type: 'string',
      value: 'NAME',
      choices: ['aws-vault'],
      help: 'aws-vault: copy the keys aws-vault holds (more: --from aws-vault -h)',
    },
    yes: { type: 'boolean', short: 'y', help: 'do not ask (for scripts)' },
  },
  positionals: { kind: 'profiles' },
  // `--from aws-vault` has options of its own (--force, --remove, --no-verify, --backend).
  subcommands: [fromAwsVault],
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  // `--from aws-vault` is another source with its own options: src/commands/import-aws-vault.ts.
  if (argv.some((arg) => arg === '--from' || arg.startsWith('--from=')))
    return (await import('./import-aws-vault.ts')).run(argv, settings);
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const files = await loadUserFiles(settings);
  const importable = new Map<string, LongTermKeys>();
  for (const [name, section] of files.credentialsSections) {
    if (section.aws_access_key_id && section.aws_secret_access_key && !section.aws_session_token) {
      importable.set(name, { accessKeyId: section.aws_access_key_id, secretAccessKey: section.aws_secret_access_key });
    }
  }
  const names = positionals.length
    ? positionals.map((name) => checkProfileName('import', name))
    : [...importable.keys()];
  for (const name of names) {
    if (!importable.has(name)) {
      const why = files.credentialsSections.get(name)?.aws_session_token
        ? 'has temporary keys (aws_session_token)'
        : 'has no long-term keys';
      throw new UserError(`import: profile '${name}' ${why} in ${files.credentialsPath}: nothing was changed`, 2);
    }
  }
  if (names.length === 0) {
    process.stdout.write(`tfmfa: no long-term keys in ${files.credentialsPath}: nothing to import\n`);
    return 0;
  }
  const keys = names.map(
    (name) =>
      [
        name,
        checkKeys(importable.get(name) as LongTermKeys, `import: profile '${name}' in ${files.credentialsPath}`),
      ] as const,
  );
  // A file import cannot edit without changing its meaning is refused now, before anything is stored.
  withoutKeyLines(readFileSync(files.credentialsPath, 'utf8'), new Set(names));
  checkKeysRemovable(files.credentialsPath);
  resolveUserFile(files.configPath); // a config file that is a link to nothing is refused before anything is stored
  const store = openKeyStore(settings);
  const choice = await chooseBackend(store.settings, settings);
  const where = choice.name === 'keyring' ? 'the OS keyring' : 'the encrypted file';
  const plan =
    `store the keys of ${names.map((n) => `'${n}'`).join(', ')} in ${where} (${choice.reason}) and ` +
    `remove them from ${files.credentialsPath}`;
  if (!values.yes) {
    const answer = await askRequired(`tfmfa will ${plan}. Continue? [y/N]`, {
      secret: false,
      what: 'a confirmation (use --yes in scripts)',
    }).catch((error: unknown) => {
      if (error instanceof UserError && error.exitCode === 130) return 'n';
      throw error;
    });
    if (!/^y(es)?$/i.test(answer)) {
      process.stderr.write('tfmfa: import cancelled: nothing was changed\n');
      return 1;
    }
  }
  // Stored first: a crash from here on leaves both copies (the stored one wins), never none.
  const added = await withKeystoreLock(settings, async () => {
    for (const [name, pair] of keys) await putKeys(store, name, pair, choice.name);
    const sections = names.filter((name) => ensureConfigProfile(files.configPath, name));
    removeKeyLines(files.credentialsPath, new Set(names));
    return sections;
  });
  const lines = [
    `imported ${keys.map(([name, pair]) => `'${name}' (${pair.accessKeyId})`).join(', ')} into ${where}; ` +
      `removed their key lines from ${files.credentialsPath}`,
  ];
  if (added.length) lines.push(`added ${added.map((n) => `[profile ${n}]`).join(', ')} to ${files.configPath}`);
  process.stdout.write(`${lines.map((line) => `tfmfa: ${line}`).join('\n')}\n`);
  return 0;
}
