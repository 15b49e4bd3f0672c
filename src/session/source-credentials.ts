import type { AwsFilePaths } from '../config/paths.ts';
import type { SourceStep } from '../config/types.ts';
import { UserError } from '../errors.ts';
import type { AwsCredentials } from './credentials.ts';

/**
 * Base credentials of a chain. Static keys come from the files; every other source goes through the
 * SDK's own providers (@aws-sdk/credential-providers), loaded only here.
 */
export async function sourceCredentials(source: SourceStep, paths: AwsFilePaths): Promise<AwsCredentials> {
  if (source.kind === 'static-keys') {
    return { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}) };
  }
  if (source.kind === 'stored-keys') {
    const { fetchStoredKeys } = await import('../keystore/store.ts');
    return fetchStoredKeys(source.profile, source);
  }
  const providers = await import('@aws-sdk/credential-providers');
  const files = { profile: source.profile, filepath: paths.credentialsPath, configFilepath: paths.configPath, ignoreCache: true };
  try {
    switch (source.kind) {
      case 'credential-process':
        return await providers.fromProcess(files)();
      case 'sso':
        return await providers.fromSSO(files)();
      case 'credential-source':
        if (source.source === 'Environment') return await providers.fromEnv()();
        if (source.source === 'EcsContainer') return await providers.fromContainerMetadata()();
        return await providers.fromInstanceMetadata()();
    }
  } catch (error) {
    const what = source.kind === 'credential-source' ? `credential_source ${source.source}` : source.kind === 'sso' ? 'SSO (run `aws sso login`?)' : 'credential_process';
    throw new UserError(`profile '${source.profile}': could not get credentials from ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
}
