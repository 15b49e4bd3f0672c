import { CREDENTIAL_TRIGGERS } from '../config/kinds/index.ts';
import type { AwsFiles } from '../config/files.ts';

/**
 * True when the user's `default` profile has credentials: SDKs rank the shared files ahead of the container
 * endpoint, so a child without AWS_PROFILE would use those instead of ours.
 */
export function defaultProfileShadows(files: AwsFiles): boolean {
  const section = files.profiles.get('default');
  return section !== undefined && CREDENTIAL_TRIGGERS.some((key) => section[key] !== undefined && section[key] !== '');
}
