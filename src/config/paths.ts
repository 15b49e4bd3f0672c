import { join } from 'node:path';
import { homeDirectory, setting } from '../environment/variables.ts';
import { keyIndexPath } from '../keystore/location.ts';

/** Where the AWS config and credentials files are, as the SDKs decide it. */
export interface AwsFilePaths {
  configPath: string;
  credentialsPath: string;
  /** tfmfa's key index (profiles whose keys are in its key store). */
  keyIndexPath?: string;
}

/**
 * Inside a tfmfa session with the config overlay, AWS_CONFIG_FILE names the overlay and TFMFA_CONFIG_FILE /
 * TFMFA_CREDENTIALS_FILE the user's real files, which tfmfa itself always reads.
 */
export function awsFilePaths(env: NodeJS.ProcessEnv = process.env): AwsFilePaths {
  const home = homeDirectory(env);
  return {
    configPath: setting(env, 'realConfigFile') || env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentialsPath: setting(env, 'realCredentialsFile') || env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
    keyIndexPath: keyIndexPath(env),
  };
}
