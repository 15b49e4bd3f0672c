import { defineCommand } from './command.ts';

/**
 * `tfmfa import --from aws-vault`, declared apart from its code (./import-aws-vault.ts) so that `import`'s own
 * declaration (./import.ts) can name it as a variant without loading it: completion offers its flags.
 */
export const command = defineCommand({
  name: 'import',
  summary: "copy the long-term keys aws-vault holds into tfmfa's key store",
  usage: '--from aws-vault [PROFILE...] [--force] [--remove] [--no-verify] [--backend keyring|file]',
  about: `Copies the long-term keys aws-vault holds (of the given profiles, or of every profile) into tfmfa's key
store: each key is checked with one STS GetCallerIdentity, then stored. One line per profile says what
happened: imported, already present (kept unless --force), skipped (aws-vault's cached sessions and
OIDC tokens, temporary keys) or not imported and why. A profile is imported whole or not at all.

aws-vault's store: the backend AWS_VAULT_BACKEND names, else the one aws-vault uses here. tfmfa reads
the encrypted files (~/.awsvault/keys, AWS_VAULT_FILE_DIR; passphrase from AWS_VAULT_FILE_PASSPHRASE or
asked on the terminal, never shown), the Secret Service collection 'awsvault' and the macOS keychain
itself; any other backend (pass, kwallet, wincred, op...) through 'aws-vault export --no-session', which
asks for what it needs itself. aws-vault's items are left as they are unless --remove is given.`,
  options: {
    from: { type: 'string', value: 'NAME', choices: ['aws-vault'], help: 'where the keys come from: aws-vault' },
    force: { type: 'boolean', help: 'replace keys tfmfa already holds for a profile' },
    remove: {
      type: 'boolean',
      help: "delete each imported profile's item from aws-vault (only once it is verified and stored)",
    },
    'no-verify': { type: 'boolean', help: 'store without calling STS (not with --remove)' },
    backend: {
      type: 'string',
      value: 'NAME',
      choices: ['keyring', 'file'],
      help: 'keyring or file (overrides TFMFA_BACKEND for this command)',
    },
  },
  positionals: { kind: 'profiles' },
});
