import { applyChanges } from '../../environment/changes.ts';

/**
 * The environment of a program the import starts, from the one builder (applyChanges): tfmfa's own passphrase
 * never; aws-vault's (AWS_VAULT_FILE_PASSPHRASE) only `aws-vault` itself, whose file backend reads it (the one
 * exception).
 */
export function childEnvironment(env: NodeJS.ProcessEnv, forAwsVault: boolean): NodeJS.ProcessEnv {
  return applyChanges(env, undefined, forAwsVault ? { keep: ['AWS_VAULT_FILE_PASSPHRASE'] } : {});
}
