import { withProcessVariable } from '../environment/process-variable.ts';
import type { Settings } from '../environment/settings.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AwsFilePaths } from './paths.ts';
import { loadAwsFiles } from './load.ts';
import { serviceEndpoint } from './endpoint.ts';
import { debug } from '../debug.ts';
import { stsRegion } from '../environment/region.ts';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { withLock } from '../store/lock.ts';
import { CacheUnavailableError } from '../store/private-path.ts';
import type { AwsCredentials } from '../credentials.ts';
import {
  checkLoginClock,
  secondsUntil,
  loginCommand,
  loginTokenCredentials,
  parseLoginToken,
  readLoginToken,
} from './login-token.ts';

/**
 * Renews an `aws login` session's credentials through the AWS SDK's own provider (fromLoginCredentials: the
 * sign-in service's CreateOAuth2Token with a DPoP proof signed by the token's key), under a lock per token so
 * that parallel runs spend the refresh token once. The SDK writes the refreshed token with a plain
 * fs.writeFile (truncate, then write: a crash or a full disk leaves a torn file, and a new file gets the umask's
 * mode); so the SDK works on a private copy (AWS_LOGIN_CACHE_DIRECTORY pointed at a 0700 directory beside the
 * token) and tfmfa moves the result over the user's token atomically, 0600.
 */

/** What the caller needs the credentials to keep; fresher tokens (another process refreshed) are used as they are. */
export interface RefreshRequest {
  profile: string;
  session: string;
  paths: AwsFilePaths;
  settings: Settings;
  /** Refresh when the credentials have less than this left. */
  refreshBelowSeconds: number;
}

export async function refreshLoginCredentials(request: RefreshRequest): Promise<AwsCredentials> {
  const { profile, settings } = request;
  const work = () => refreshUnlocked(request);
  try {
    return await withLock(
      {
        cacheDir: settings.cacheDir,
        key: `login|${request.session}`,
        description: `the aws login session of profile '${profile}'`,
        timeoutSeconds: settings.lockTimeout,
      },
      work,
    );
  } catch (error) {
    if (!(error instanceof CacheUnavailableError)) throw error;
    return work();
  }
}

async function refreshUnlocked(request: RefreshRequest): Promise<AwsCredentials> {
  const { profile, session, settings } = request;
  // Another process may have refreshed while this one waited for the lock.
  const { path, token } = readLoginToken(session, profile, settings);
  checkLoginClock(token, path, profile);
  const current = loginTokenCredentials(token);
  if (secondsUntil(current.expiration) >= request.refreshBelowSeconds) return current;
  debug(
    `aws login credentials of '${profile}' have ${Math.round(secondsUntil(current.expiration))}s left: ` +
      `refreshing through the sign-in service`,
  );
  const original = readFileSync(path, 'utf8');
  const workDir = mkdtempSync(join(dirname(path), '.tfmfa-refresh-'));
  try {
    const copy = join(workDir, basename(path));
    writeFileSync(copy, original, { mode: 0o600, flag: 'wx' });
    const { credentials, warning } = await sdkRefresh(request, workDir);
    const refreshed = readFileSync(copy, 'utf8');
    if (refreshed === original) {
      // The SDK answers with the old credentials when the service fails for a reason other than AccessDenied.
      throw new UserError(
        `profile '${profile}': the aws login session could not be refreshed${warning ? ` (${warning})` : ''}: ` +
          `run \`${loginCommand(profile)}\``,
      );
    }
    parseLoginToken(refreshed, `refreshed by the sign-in service for ${path}`, profile);
    writeFileAtomic(path, refreshed, 0o600);
    debug(`aws login token ${path} refreshed, ${Math.round(secondsUntil(credentials.expiration))}s left`);
    return credentials;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The SDK's refresh, on the copy in `workDir`: the endpoint and region are tfmfa's resolution of the profile's
 * settings.
 */
async function sdkRefresh(
  request: RefreshRequest,
  workDir: string,
): Promise<{ credentials: AwsCredentials; warning?: string }> {
  const { profile, paths, settings } = request;
  const files = await loadAwsFiles(paths);
  const endpoint = serviceEndpoint(files, profile, settings, 'signin');
  const region = stsRegion(settings, files.profiles.get(profile)?.region?.trim());
  const requestTimeout = settings.stsTimeout * 1000;
  const { fromLoginCredentials } = await import('@aws-sdk/credential-providers');
  // The SDK keeps the old credentials when the service fails other than with AccessDenied, and says why only here.
  let warning: string | undefined;
  const logger = {
    debug: () => {},
    info: () => {},
    error: () => {},
    trace: () => {},
    warn: (message: string) => (warning = String(message).split('\n')[0]),
  };
  const provider = fromLoginCredentials({
    profile,
    filepath: paths.credentialsPath,
    configFilepath: paths.configPath,
    ignoreCache: true,
    logger,
    clientConfig: {
      region,
      ...(endpoint ? { endpoint } : {}),
      maxAttempts: 3,
      logger,
      requestHandler: {
        connectionTimeout: Math.min(requestTimeout, 5000),
        requestTimeout,
        throwOnRequestTimeout: true,
      },
    },
  });
  try {
    // The SDK reads the token directory from process.env alone: pointed at the copy for this one call.
    const credentials = await withProcessVariable('AWS_LOGIN_CACHE_DIRECTORY', workDir, provider);
    const served = {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
    };
    return { credentials: served, ...(warning ? { warning } : {}) };
  } catch (error) {
    if (error instanceof UserError) throw error;
    const message = (error as Error).message
      .split('\n')[0]
      ?.replace(/\s*Please re-?authenticate[^.]*\.?/i, '')
      .trim();
    throw new UserError(
      `profile '${profile}': the aws login session could not be refreshed (${message}): run ` +
        `\`${loginCommand(profile)}\``,
    );
  }
}
