/**
 * One HTTP/1.x exchange on one TCP connection: read a head (http-request.ts), answer it once (http-response.ts),
 * close. Timers bound every stage: a client that does not finish its head in time (slowloris) is cut off without
 * an answer; an answer that takes too long (an MFA prompt nobody answers) too. After the answer, what the client
 * still sends (a pipelined request) is read and dropped until it closes or `lingerMs` passes, so that closing
 * with unread bytes never resets the connection before the client has read the answer.
 */
import type { Socket } from 'node:net';
import { RequestHeadReader, type RequestHead } from './http-request.ts';
import { responseBytes, type JsonResponse } from './http-response.ts';

export interface ConnectionLimits {
  /** From the connection's start to the end of the head. */
  headTimeoutMs: number;
  /** From the end of the head to the answer. */
  answerTimeoutMs: number;
  /** How long a connection stays open for the client to close it after the answer. */
  lingerMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  headTimeoutMs: 10_000,
  answerTimeoutMs: 10 * 60_000,
  lingerMs: 2_000,
};

/** The answer to a well-formed head. A rejection is answered with a bare 500 (its message is not sent). */
export type Answer = (head: RequestHead) => Promise<JsonResponse>;

/** The answer to a head that could not be read: its status and a reason that never quotes the client. */
export function malformed(status: number, reason: string): JsonResponse {
  return { status, body: { code: 'InvalidRequest', message: reason } };
}

/**
 * Serves the one request of a socket from a server made with `allowHalfOpen: true`. `onEvent` gets one line per
 * outcome.
 */
export function serveConnection(
  socket: Socket,
  answer: Answer,
  limits: ConnectionLimits,
  onEvent: (line: string) => void = () => undefined,
): void {
  const reader = new RequestHeadReader();
  let stage: 'head' | 'answering' | 'answered' = 'head';
  let peerEnded = false;
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    onEvent('request head not complete in time: connection dropped');
    socket.destroy();
  }, limits.headTimeoutMs);
  const stopTimer = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };

  const send = (response: JsonResponse, head: boolean) => {
    stopTimer();
    stage = 'answered';
    if (socket.destroyed) return;
    socket.end(responseBytes(response, { head }));
    if (peerEnded) socket.destroySoon();
    else timer = setTimeout(() => socket.destroy(), limits.lingerMs);
  };

  socket.on('data', (chunk: Buffer) => {
    if (stage !== 'head') return;
    const outcome = reader.push(chunk);
    if (outcome.state === 'incomplete') return;
    if (outcome.state === 'invalid') {
      onEvent(`${outcome.status} ${outcome.reason}`);
      send(malformed(outcome.status, outcome.reason), false);
      return;
    }
    stage = 'answering';
    stopTimer();
    timer = setTimeout(() => {
      onEvent('no answer in time: connection dropped');
      socket.destroy();
    }, limits.answerTimeoutMs);
    const isHead = outcome.head.method === 'HEAD';
    answer(outcome.head).then(
      (response) => send(response, isHead),
      (error: unknown) => {
        onEvent(`internal error: ${error instanceof Error ? error.message : String(error)}`);
        send({ status: 500, body: { code: 'InternalError', message: 'internal error' } }, isHead);
      },
    );
  });
  socket.on('end', () => {
    peerEnded = true;
    // A client that gives up before its head is complete gets nothing; one that half-closes after it still gets its
    // answer.
    if (stage === 'head') socket.destroy();
    else if (stage === 'answered') socket.destroySoon();
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', stopTimer);
}
