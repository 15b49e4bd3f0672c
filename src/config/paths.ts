import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the AWS config and credentials files are, as the SDKs decide it. */
export interface AwsFilePaths {
  configPath: string;
  credentialsPath: string;
}

export function awsFilePaths(env: NodeJS.ProcessEnv = process.env): AwsFilePaths {
  const home = env.HOME || homedir();
  return {
    configPath: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentialsPath: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}
