import { UserError } from '../errors.ts';
import type { AwsCredentials } from '../credentials.ts';
import { noTokenMessage, refusalMessage } from './federation-refusal.ts';

/**
 * The AWS console sign-in through the federation endpoint: temporary credentials → `getSigninToken` →
 * a `login` URL carrying the sign-in token. The token and the URL are credentials: they go to the caller
 * only, never into a message.
 */

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

interface PartitionUrls {
  federation: string;
  console: string;
}

const URLS: Record<Partition, PartitionUrls> = {
  aws: { federation: 'https://signin.aws.amazon.com/federation', console: 'https://console.aws.amazon.com/' },
  'aws-cn': { federation: 'https://signin.amazonaws.cn/federation', console: 'https://console.amazonaws.cn/' },
  'aws-us-gov': {
    federation: 'https://signin.amazonaws-us-gov.com/federation',
    console: 'https://console.amazonaws-us-gov.com/',
  },
};

/** The partition from an ARN (`arn:aws-cn:…`), else from the region (`cn-north-1`, `us-gov-west-1`). */
export function partitionOf(arn: string | undefined, region: string | undefined): Partition {
  const fromArn = arn ? /^arn:(aws(?:-cn|-us-gov)?):/.exec(arn)?.[1] : undefined;
  if (fromArn) return fromArn as Partition;
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function defaultFederationUrl(partition: Partition): string {
  return URLS[partition].federation;
}

/** The console home page, in the profile's region when it has one. */
export function defaultDestination(partition: Partition, region: string | undefined): string {
  const base = URLS[partition].console;
  return region ? `${base}console/home?region=${encodeURIComponent(region)}` : base;
}

/** Accepts only http(s) URLs without a query or fragment of their own: tfmfa adds the query. */
export function checkUrl(name: string, value: string, options: { allowQuery?: boolean } = {}): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`${name} '${value}' is not a URL: give a full https:// URL`, 2);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UserError(`${name} '${value}' must be an https:// URL`, 2);
  if (!options.allowQuery && (url.search || url.hash))
    throw new UserError(`${name} '${value}' must not have a query or fragment: give the endpoint only`, 2);
  if (url.username || url.password) throw new UserError(`${name} must not contain a user name or password`, 2);
  return value;
}

const TIMEOUT_MS = 20_000;

/** Asks the federation endpoint for a sign-in token for these (temporary) credentials. */
export async function getSigninToken(
  federationUrl: string,
  credentials: AwsCredentials,
  sessionDuration?: number,
): Promise<string> {
  if (!credentials.sessionToken) throw new Error('console sign-in needs temporary credentials');
  const session = JSON.stringify({
    sessionId: credentials.accessKeyId,
    sessionKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  });
  const query = new URLSearchParams({ Action: 'getSigninToken' });
  if (sessionDuration !== undefined) query.set('SessionDuration', String(sessionDuration));
  query.set('Session', session);
  let response: Response;
  try {
    response = await fetch(`${federationUrl}?${query.toString()}`, {
      method: 'GET',
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    // Never the error's message: it may quote the request URL, which carries the credentials.
    const err = error as Error & { cause?: { code?: string } };
    const reason =
      err.name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000}s` : (err.cause?.code ?? 'network error');
    throw new UserError(
      `cannot reach the AWS federation endpoint ${federationUrl} (${reason}): check the network or ` +
        `--federation-url / TFMFA_FEDERATION_URL`,
    );
  }
  const body = await response.text();
  if (!response.ok) {
    // Never the body: it may echo the request, whose query holds the secret key and the session token.
    throw new UserError(refusalMessage(federationUrl, response.status, body));
  }
  let token: unknown;
  try {
    token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token === '') {
    throw new UserError(noTokenMessage(federationUrl, response.status));
  }
  return token;
}

/** The URL that signs the browser in and sends it to `destination`. */
export function loginUrl(federationUrl: string, signinToken: string, destination: string, issuer = 'tfmfa'): string {
  const query = new URLSearchParams({
    Action: 'login',
    Issuer: issuer,
    Destination: destination,
    SigninToken: signinToken,
  });
  return `${federationUrl}?${query.toString()}`;
}
