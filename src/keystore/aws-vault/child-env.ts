import { variableName } from '../../environment/variables.ts';

/**
 * The environment of a program the import starts. Neither passphrase reaches a program that does not need it:
 * tfmfa's own (TFMFA_FILE_PASSPHRASE) never; aws-vault's (AWS_VAULT_FILE_PASSPHRASE) only `aws-vault` itself,
 * whose file backend reads it (the one exception).
 */
export function childEnvironment(env: NodeJS.ProcessEnv, forAwsVault: boolean): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy[variableName('filePassphrase')];
  if (!forAwsVault) delete copy.AWS_VAULT_FILE_PASSPHRASE;
  return copy;
}
