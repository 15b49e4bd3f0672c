import type { AwsCredentials } from '../credentials.ts';
import { classifyStsError } from '../session/sts-errors.ts';

const TIMEOUT_MS = 8000;

/** Any HTTP answer counts: only whether the endpoint can be reached is in question. */
export async function probeEndpoint(
  url: string,
): Promise<{ ok: true; status: number } | { ok: false; reason: string }> {
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    await response.body?.cancel();
    return { ok: true, status: response.status };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      err.name === 'TimeoutError'
        ? `no answer in ${TIMEOUT_MS / 1000}s`
        : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { ok: false, reason };
  }
}

/** GetCallerIdentity with these credentials at the endpoint tfmfa's own STS calls use. */
export async function callerIdentity(
  credentials: AwsCredentials,
  target: { region: string; profile: string; endpoint: string },
): Promise<{ ok: true; arn: string } | { ok: false; reason: string }> {
  const sts = await import('@aws-sdk/client-sts');
  const client = new sts.STSClient({
    region: target.region,
    endpoint: target.endpoint,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5000, requestTimeout: TIMEOUT_MS },
  });
  try {
    const out = await client.send(new sts.GetCallerIdentityCommand({}));
    return { ok: true, arn: out.Arn ?? 'unknown' };
  } catch (error) {
    return { ok: false, reason: classifyStsError('GetCallerIdentity', error, target.profile).message };
  } finally {
    client.destroy();
  }
}
