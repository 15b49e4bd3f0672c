// Fault injection: the next N calls (of one action, or any; after letting `skip` of them through) answer with
// an error status, hang until the emulator stops, have their connection closed, or are carried out and then
// never answered ('lose-answer': the caller cannot know it happened, as when it dies waiting). Test fixture only.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorClock } from './clock.ts';
import type { EmulatorCall } from './counters.ts';
import type { CredentialStore } from './credentials.ts';
import { headerValue, sendXml } from './protocol.ts';
import { accessKeyIdFromAuthorization } from './signing.ts';
import { errorXml } from './xml.ts';

interface FaultTarget {
  action?: string;
  times: number;
  /** Matching calls to let through before the fault applies (default 0). */
  skip?: number;
}

export type FaultSpec =
  | (FaultTarget & { kind: 'status'; status: number; code: string; message?: string })
  | (FaultTarget & { kind: 'hang' })
  | (FaultTarget & { kind: 'close' })
  | (FaultTarget & { kind: 'lose-answer' });

interface PendingFault {
  spec: FaultSpec;
  remaining: number;
  toSkip: number;
}

export class FaultQueue {
  private readonly pending: PendingFault[] = [];
  private readonly hanging = new Set<ServerResponse>();

  inject(f: FaultSpec): void {
    if (!Number.isInteger(f.times) || f.times < 1) throw new Error('fault times must be a positive integer');
    if (f.skip !== undefined && (!Number.isInteger(f.skip) || f.skip < 0))
      throw new Error('fault skip must be a non-negative integer');
    this.pending.push({ spec: f, remaining: f.times, toSkip: f.skip ?? 0 });
  }

  /** The first pending fault for this action, counted as used; null when none applies. */
  take(action: string): FaultSpec | null {
    const i = this.pending.findIndex((f) => f.spec.action === undefined || f.spec.action === action);
    if (i < 0) return null;
    const f = this.pending[i]!;
    if (f.toSkip > 0) {
      f.toSkip--;
      return null;
    }
    f.remaining--;
    if (f.remaining <= 0) this.pending.splice(i, 1);
    return f.spec;
  }

  /**
   * Answers a call with the fault (an XML error, a hang, or a closed connection) and logs it, with the caller
   * named by its Authorization header (not verified).
   */
  apply(
    fault: FaultSpec,
    record: EmulatorCall,
    req: IncomingMessage,
    res: ServerResponse,
    state: { credentials: CredentialStore; clock: EmulatorClock },
  ): void {
    record.accessKeyId = accessKeyIdFromAuthorization(headerValue(req, 'authorization'));
    if (record.accessKeyId !== null) record.principal = state.credentials.get(record.accessKeyId)?.principalArn ?? null;
    if (fault.kind === 'status') {
      record.errorCode = fault.code;
      const requestId = randomUUID();
      const type = fault.status >= 500 ? 'Receiver' : 'Sender';
      const message = fault.message ?? (fault.status >= 500 ? 'An internal error occurred.' : 'Rate exceeded');
      sendXml(
        res,
        fault.status,
        errorXml(type, fault.code, message, requestId),
        requestId,
        new Date(state.clock.serverNowMs()),
      );
    } else if (fault.kind === 'hang' || fault.kind === 'lose-answer') {
      record.errorCode = 'Fault:hang';
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
    } else {
      record.errorCode = 'Fault:close';
      req.socket.destroy();
    }
  }

  /** Forgets every fault not used yet. */
  clear(): void {
    this.pending.length = 0;
  }

  /** Holds a response that will never be sent (a 'lose-answer' fault, after the action was carried out). */
  hold(res: ServerResponse): void {
    this.hanging.add(res);
    res.on('close', () => this.hanging.delete(res));
  }

  /** Ends every hanging response (when the emulator stops). */
  releaseHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }
}
