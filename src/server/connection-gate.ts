/**
 * Caps on the credential server's open connections, so that a flood from another local user neither grows its
 * memory without bound nor locks out the command it serves (docs/security-long-runs.md). Every connection is read
 * at once: the command's own sends its head right after connecting and, once its token is checked, is "busy".
 *
 * - per server: at most `maxOpen` open at once. A new connection beyond that makes room by dropping the oldest one
 *   not being answered (idle, unfinished or lingering); when every one is being answered, the newcomer is dropped.
 *   `maxOpen` is above Node's accept backlog (511), so the connections accepted in one go before the command's head is
 *   read never push the command's connection out. While connections are being dropped the server also collects
 *   its garbage (memory-relief.ts), which keeps its memory near its resting size through a flood.
 * - per peer: a user other than the server's own (the only one given the token) holds at most `maxPerPeer`. The
 *   peer is the connecting socket's owner, found in /proc/net/tcp (peer-uid.ts); a connection's address or port
 *   says nothing here, since every client is on 127.0.0.1 (or anywhere in 127/8) with a port of its choosing.
 *   Owners are looked up only while more than `maxPerPeer` connections are open (never in ordinary use), one
 *   lookup at a time and at most one per LOOKUP_INTERVAL_MS (during a flood the kernel takes a few hundred ms to
 *   list the sockets); each drops the idle connections of every other user beyond its first `maxPerPeer`.
 *
 * Where the owner cannot be found (not Linux, /proc unreadable) the peer is unknown and only the server's cap applies.
 */
import type { Socket } from 'node:net';
import { relieveMemory } from './memory-relief.ts';
import { lookupPeerUids, peerKey } from './peer-uid.ts';

export interface GateLimits {
  /** Open connections at once, for the whole server. */
  maxOpen: number;
  /** Open connections at once from one user other than the server's. */
  maxPerPeer: number;
}

/** 16 is more than a user who was never given the token has any use for; the command's own are not capped per peer. */
export const DEFAULT_GATE: GateLimits = { maxOpen: 600, maxPerPeer: 16 };

export const LOOKUP_INTERVAL_MS = 1000;

interface Entry {
  /** Being answered (an authorised request): never dropped. */
  busy: boolean;
  /** 'own', 'unknown' or the uid of another user; undefined until looked up. */
  peer?: string;
}

export interface GateOptions {
  limits?: GateLimits;
  /** The server's port (to find the clients' sockets). */
  port: () => number;
  ownUid?: number | undefined;
  /** Finds uids by peer key (peer-uid.ts unless a test says otherwise). */
  lookup?: (keys: number[], port: number) => Promise<Map<number, number>>;
  onEvent?: (line: string) => void;
}

export class ConnectionGate {
  /** In arrival order (a Map keeps insertion order): the first idle entry is the oldest. */
  private readonly open = new Map<Socket, Entry>();
  private readonly limits: GateLimits;
  private readonly port: () => number;
  private readonly lookup: (keys: number[], port: number) => Promise<Map<number, number>>;
  private readonly ownUid: number | undefined;
  private readonly onEvent: (line: string) => void;
  private readonly noted = new Set<string>();
  private lookupRunning = false;
  private lookupTimer: NodeJS.Timeout | undefined;
  private lastLookup = 0;
  private closed = false;

  constructor(options: GateOptions) {
    this.limits = options.limits ?? DEFAULT_GATE;
    this.port = options.port;
    this.lookup = options.lookup ?? ((keys, port) => lookupPeerUids(keys, port));
    this.ownUid = 'ownUid' in options ? options.ownUid : process.getuid?.();
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  get size(): number {
    return this.open.size;
  }

  /** Takes a new connection in (true), or drops it (false). */
  admit(socket: Socket): boolean {
    if (this.open.size >= this.limits.maxOpen && !this.dropOldestIdle()) {
      this.note('full', `${this.limits.maxOpen} connections are being answered: new ones are dropped`);
      this.drop(socket);
      return false;
    }
    this.open.set(socket, { busy: false });
    socket.once('close', () => this.open.delete(socket));
    if (this.open.size > this.limits.maxPerPeer) this.scheduleLookup();
    return true;
  }

  /** The connection's request is authorised and being answered: it is never dropped. */
  busy(socket: Socket): void {
    const entry = this.open.get(socket);
    if (entry) entry.busy = true;
  }

  /** Stops looking up peers (the server is closing). */
  close(): void {
    this.closed = true;
    if (this.lookupTimer) clearTimeout(this.lookupTimer);
  }

  private drop(socket: Socket): void {
    this.open.delete(socket);
    socket.destroy();
    relieveMemory();
  }

  private dropOldestIdle(): boolean {
    for (const [socket, entry] of this.open) {
      if (entry.busy) continue;
      this.drop(socket);
      this.note('oldest', `${this.limits.maxOpen} connections open: the oldest idle ones are dropped to make room`);
      return true;
    }
    return false;
  }

  private scheduleLookup(): void {
    if (this.lookupRunning || this.lookupTimer || this.closed) return;
    const wait = Math.max(0, this.lastLookup + LOOKUP_INTERVAL_MS - Date.now());
    this.lookupTimer = setTimeout(() => {
      this.lookupTimer = undefined;
      void this.enforcePerPeer();
    }, wait);
    this.lookupTimer.unref();
  }

  /** Looks up every connection not known yet (one scan), then drops the idle ones of each other user beyond the cap. */
  private async enforcePerPeer(): Promise<void> {
    this.lookupRunning = true;
    try {
      const waiting = new Map<number, Entry>();
      for (const [socket, entry] of this.open) {
        if (entry.peer !== undefined) continue;
        const key = peerKey(socket.remoteAddress, socket.remotePort);
        if (key === undefined) entry.peer = 'unknown';
        else waiting.set(key, entry);
      }
      const uids = waiting.size > 0 ? await this.lookup([...waiting.keys()], this.port()) : new Map<number, number>();
      for (const [key, entry] of waiting) {
        const uid = uids.get(key);
        entry.peer = uid === undefined ? 'unknown' : uid === this.ownUid ? 'own' : String(uid);
      }
      const counts = new Map<string, number>();
      for (const [socket, entry] of this.open) {
        const peer = entry.peer;
        if (peer === undefined || peer === 'own' || peer === 'unknown') continue;
        const count = (counts.get(peer) ?? 0) + 1;
        counts.set(peer, count);
        if (count > this.limits.maxPerPeer && !entry.busy) {
          this.drop(socket);
          this.note(`uid ${peer}`, `uid ${peer} holds ${this.limits.maxPerPeer} connections: the rest are dropped`);
        }
      }
    } finally {
      this.lookupRunning = false;
      this.lastLookup = Date.now();
    }
    if (this.open.size > this.limits.maxPerPeer) this.scheduleLookup();
  }

  /** One debug line per kind of event for the server's life (a flood would otherwise write one per connection). */
  private note(kind: string, line: string): void {
    if (this.noted.has(kind)) return;
    this.noted.add(kind);
    this.onEvent(line);
  }
}
