import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import type { AwsCredentials } from '../session/credentials.ts';
import { checkRequest } from './auth.ts';

/** The one path credentials are served on. */
export const CREDENTIALS_PATH = '/credentials';

/** Long-term keys have no expiry; SDKs require one, so they are told to come back after an hour. */
const LONG_TERM_REFRESH_MS = 3600_000;

export interface CredentialServerOptions {
  token: string;
  /** Called for each authorised request; a rejection is answered with HTTP 500 and its message. */
  credentials: () => Promise<AwsCredentials>;
}

export interface CredentialServer {
  port: number;
  /** The `AWS_CONTAINER_CREDENTIALS_FULL_URI` for the child. */
  url: string;
  /** Stops listening and drops every connection (kept-alive ones included). */
  close(): Promise<void>;
}

/** The ECS container credentials answer. */
export function containerCredentials(credentials: AwsCredentials, nowMs = Date.now()): Record<string, string> {
  return {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken ?? '',
    Expiration: (credentials.expiration ?? new Date(nowMs + LONG_TERM_REFRESH_MS)).toISOString(),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function errorMessage(error: unknown): string {
  if (error instanceof UserError) return error.message;
  return `tfmfa could not get credentials: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * A local endpoint speaking the ECS container credentials protocol, bound to 127.0.0.1 on a random port.
 * Nothing here logs a token or a credential.
 */
export async function startCredentialServer(options: CredentialServerOptions): Promise<CredentialServer> {
  let port = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const verdict = checkRequest(
      { remoteAddress: req.socket.remoteAddress, host: req.headers.host, authorization: req.headers.authorization, method: req.method, url: req.url },
      { port, path: CREDENTIALS_PATH, token: options.token },
    );
    if (!verdict.ok) {
      debug(`credential server: ${verdict.status} ${verdict.reason}`);
      send(res, verdict.status, { code: verdict.status === 401 ? 'Unauthorized' : verdict.status === 403 ? 'Forbidden' : 'InvalidRequest', message: verdict.reason }, verdict.status === 405 ? { Allow: 'GET' } : {});
      return;
    }
    try {
      const credentials = await options.credentials();
      send(res, 200, containerCredentials(credentials));
      debug('credential server: 200 credentials served');
    } catch (error) {
      send(res, 500, { code: 'CredentialsUnavailable', message: errorMessage(error) });
    }
  };
  const server = createServer((req, res) => {
    // Requests have no body worth reading; drain whatever comes so the connection stays usable.
    req.resume();
    handle(req, res).catch((error: unknown) => {
      debug(`credential server: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, 500, { code: 'InternalError', message: 'internal error' });
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => debug(`credential server: ${error.message}`));
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}${CREDENTIALS_PATH}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
