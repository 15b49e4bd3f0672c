import { createServer, type AddressInfo, type Socket } from 'node:net';
import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import type { AwsCredentials } from '../credentials.ts';
import { checkRequest } from './auth.ts';
import { ConnectionGate, type GateLimits } from './connection-gate.ts';
import { DEFAULT_LIMITS, serveConnection, type ConnectionLimits } from './http-connection.ts';
import type { RequestHead } from './http-request.ts';
import type { JsonResponse } from './http-response.ts';

/** The one path credentials are served on. */
export const CREDENTIALS_PATH = '/credentials';

/** Long-term keys have no expiry; SDKs require one, so they are told to come back after an hour. */
const LONG_TERM_REFRESH_MS = 3600_000;

export interface CredentialServerOptions {
  token: string;
  /** Called for each authorised request; a rejection is answered with HTTP 500 and its message. */
  credentials: () => Promise<AwsCredentials>;
  /** Timeouts of a connection (tests shorten them). */
  limits?: ConnectionLimits;
  /** Caps on open connections, per server and per peer (connection-gate.ts). */
  gate?: GateLimits;
}

export interface CredentialServer {
  port: number;
  /** The `AWS_CONTAINER_CREDENTIALS_FULL_URI` for the child. */
  url: string;
  /**
   * The listening socket's file descriptor (Unix), for the child to hold (orphan-guard.ts); undefined where
   * unknown.
   */
  listeningFd: number | undefined;
  /** Stops listening and drops every connection (waiting ones included). */
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

function errorMessage(error: unknown): string {
  if (error instanceof UserError) return error.message;
  return `tfmfa could not get credentials: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * A local endpoint speaking the ECS container credentials protocol, bound to 127.0.0.1 on a random port. It is
 * a strict HTTP/1.1 responder on node:net (http-connection.ts) rather than node:http, whose HTTP stack (and the
 * fetch/WebSocket client it pulls in) the waiting parent of a long run would carry for this one GET (README,
 * Design). One request per connection. Nothing here logs a token or a credential.
 */
export async function startCredentialServer(options: CredentialServerOptions): Promise<CredentialServer> {
  let port = 0;
  const answer = async (
    head: RequestHead,
    socket: Socket,
    remoteAddress: string | undefined,
  ): Promise<JsonResponse> => {
    const verdict = checkRequest(
      {
        remoteAddress,
        host: head.headers.get('host'),
        authorization: head.headers.get('authorization'),
        method: head.method,
        url: head.target,
      },
      { port, path: CREDENTIALS_PATH, token: options.token },
    );
    if (!verdict.ok) {
      debug(`credential server: ${verdict.status} ${verdict.reason}`);
      const code = verdict.status === 401 ? 'Unauthorized' : verdict.status === 403 ? 'Forbidden' : 'InvalidRequest';
      return {
        status: verdict.status,
        body: { code, message: verdict.reason },
        ...(verdict.status === 405 ? { headers: { Allow: 'GET' } } : {}),
      };
    }
    gate.busy(socket);
    try {
      const credentials = await options.credentials();
      debug('credential server: 200 credentials served');
      return { status: 200, body: containerCredentials(credentials) };
    } catch (error) {
      return { status: 500, body: { code: 'CredentialsUnavailable', message: errorMessage(error) } };
    }
  };
  const limits = options.limits ?? DEFAULT_LIMITS;
  const sockets = new Set<Socket>();
  const gate = new ConnectionGate({
    ...(options.gate ? { limits: options.gate } : {}),
    port: () => port,
    onEvent: (line) => debug(`credential server: ${line}`),
  });
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    if (!gate.admit(socket)) return;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const remoteAddress = socket.remoteAddress;
    serveConnection(
      socket,
      (head) => answer(head, socket, remoteAddress),
      limits,
      (line) => debug(`credential server: ${line}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => debug(`credential server: ${error.message}`));
  port = (server.address() as AddressInfo).port;
  // Node has no public accessor for a server's descriptor; its TCP handle carries it (-1 on Windows).
  const fd = (server as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}${CREDENTIALS_PATH}`,
    listeningFd: typeof fd === 'number' && fd >= 0 ? fd : undefined,
    close() {
      closing ??= new Promise<void>((resolve) => {
        gate.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
