import { type Settings } from '../environment/settings.ts';
import { awsFile } from '../environment/aws-files.ts';
import { keyIndexPath } from '../keystore/location.ts';

/** Where the AWS config and credentials files are, as the SDKs decide it. */
export interface AwsFilePaths {
  configPath: string;
  credentialsPath: string;
  /** tfmfa's key index (profiles whose keys are in its key store). */
  keyIndexPath?: string;
}

/**
 * The files under the one rule (src/environment/aws-files.ts): inside a tfmfa session with the config overlay,
 * AWS_CONFIG_FILE names the overlay and TFMFA_CONFIG_FILE / TFMFA_CREDENTIALS_FILE the user's real files, which
 * tfmfa itself reads; files given on the command line come first (withGivenFiles).
 */
export function awsFilePaths(settings: Settings): AwsFilePaths {
  return {
    configPath: awsFile('config', settings),
    credentialsPath: awsFile('credentials', settings),
    keyIndexPath: keyIndexPath(settings),
  };
}
