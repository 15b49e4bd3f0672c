import type { Settings } from '../../environment/settings.ts';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { splitSignature, WireReader, WireWriter } from './dbus-wire.ts';

/**
 * A minimal D-Bus session-bus client: connect (unix socket, EXTERNAL authentication), call methods, read the
 * replies. Enough to talk to the Secret Service without a native binding or another program: the secrets it
 * reads never pass through a third process, and nothing needs to be installed. Signals are ignored.
 */

const CALL = 1;
const REPLY = 2;
const ERROR = 3;
const NO_REPLY_FLAGS = 0;
const MAX_MESSAGE = 64 * 1024 * 1024;
const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, signature: 8 } as const;

export class DbusError extends Error {
  override readonly name: string;

  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The socket paths to try, from DBUS_SESSION_BUS_ADDRESS (unix:path= / unix:abstract=), else $XDG_RUNTIME_DIR/bus. */
export function sessionBusPaths(settings: Settings): string[] {
  const paths: string[] = [];
  for (const address of (settings.dbusSessionBusAddress ?? '').split(';')) {
    const match = /^unix:(.*)$/.exec(address.trim());
    if (!match) continue;
    const keys = new Map(
      (match[1] as string).split(',').map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at), decodeURIComponent(pair.slice(at + 1))] as const;
      }),
    );
    if (keys.has('path')) paths.push(keys.get('path') as string);
    else if (keys.has('abstract')) paths.push(`\0${keys.get('abstract') as string}`);
  }
  if (!settings.dbusSessionBusAddress && settings.xdgRuntimeDir) paths.push(join(settings.xdgRuntimeDir, 'bus'));
  return paths;
}

interface Pending {
  resolve(body: unknown[]): void;
  reject(error: Error): void;
}

export interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
}

export class DbusConnection {
  private serial = 0;
  private buffer = Buffer.alloc(0);
  private pending = new Map<number, Pending>();
  private failure: Error | undefined;

  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (data: Buffer) => this.receive(data));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('D-Bus: the bus closed the connection')));
  }

  /** Connects to the session bus and says Hello; rejects in `timeoutMs` when nothing answers. */
  static async open(settings: Settings, timeoutMs: number): Promise<DbusConnection> {
    const paths = sessionBusPaths(settings);
    if (paths.length === 0) throw new Error('no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)');
    let last: Error | undefined;
    for (const path of paths) {
      try {
        const socket = await connect(path, timeoutMs);
        await authenticate(socket, timeoutMs);
        const connection = new DbusConnection(socket);
        await connection.call(
          {
            destination: 'org.freedesktop.DBus',
            path: '/org/freedesktop/DBus',
            interface: 'org.freedesktop.DBus',
            member: 'Hello',
          },
          timeoutMs,
        );
        return connection;
      } catch (error) {
        last = error as Error;
      }
    }
    throw new Error(`cannot reach the D-Bus session bus: ${last?.message ?? 'no address'}`);
  }

  call(message: MethodCall, timeoutMs: number): Promise<unknown[]> {
    if (this.failure) return Promise.reject(this.failure);
    const serial = ++this.serial;
    const body = new WireWriter();
    for (const [index, type] of splitSignature(message.signature ?? '').entries())
      body.write(type, message.body?.[index]);
    const bodyBytes = body.bytes();
    const fields: Array<[number, { signature: string; value: unknown }]> = [
      [FIELD.path, { signature: 'o', value: message.path }],
      [FIELD.interface, { signature: 's', value: message.interface }],
      [FIELD.member, { signature: 's', value: message.member }],
      [FIELD.destination, { signature: 's', value: message.destination }],
    ];
    if (message.signature) fields.push([FIELD.signature, { signature: 'g', value: message.signature }]);
    const header = new WireWriter();
    header.write('y', 'l'.charCodeAt(0));
    header.write('y', CALL);
    header.write('y', NO_REPLY_FLAGS);
    header.write('y', 1);
    header.write('u', bodyBytes.length);
    header.write('u', serial);
    header.write('a(yv)', fields);
    header.align(8);
    return new Promise<unknown[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(serial);
        reject(new Error(`D-Bus: no answer to ${message.member} within ${Math.round(timeoutMs / 1000)}s`));
      }, timeoutMs);
      this.pending.set(serial, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.write(Buffer.concat([header.bytes(), bodyBytes]));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    try {
      while (this.buffer.length >= 16) {
        const little = this.buffer[0] === 0x6c;
        if (!little && this.buffer[0] !== 0x42) throw new Error('D-Bus: a message with an unknown byte order');
        const read32 = (at: number) => (little ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at));
        const bodyLength = read32(4);
        const fieldsLength = read32(12);
        const headerEnd = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8);
        const total = headerEnd + bodyLength;
        if (total > MAX_MESSAGE) throw new Error('D-Bus: a message larger than 64 MiB');
        if (this.buffer.length < total) return;
        const message = this.buffer.subarray(0, total);
        this.buffer = this.buffer.subarray(total);
        this.dispatch(message, little, headerEnd);
      }
    } catch (error) {
      this.fail(error as Error);
      this.socket.destroy();
    }
  }

  private dispatch(message: Buffer, little: boolean, headerEnd: number): void {
    const type = message[1];
    const header = new WireReader(message, little, 12);
    const fields = new Map((header.read('a(yv)') as Array<[number, unknown]>).map(([code, value]) => [code, value]));
    const replySerial = fields.get(FIELD.replySerial) as number | undefined;
    if ((type !== REPLY && type !== ERROR) || replySerial === undefined) return;
    const pending = this.pending.get(replySerial);
    if (!pending) return;
    this.pending.delete(replySerial);
    const signature = (fields.get(FIELD.signature) as string | undefined) ?? '';
    const body = new WireReader(message, little, headerEnd, headerEnd);
    const values = splitSignature(signature).map((member) => body.read(member));
    if (type === ERROR) {
      const name = (fields.get(FIELD.errorName) as string | undefined) ?? 'org.freedesktop.DBus.Error.Failed';
      pending.reject(new DbusError(name, typeof values[0] === 'string' ? values[0] : name));
    } else {
      pending.resolve(values);
    }
  }
}

function connect(path: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timed out connecting'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** SASL EXTERNAL with this process's uid, then BEGIN. */
function authenticate(socket: Socket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the bus did not authenticate within the time limit'));
    }, timeoutMs);
    const onData = (data: Buffer) => {
      text += data.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      clearTimeout(timer);
      if (!text.startsWith('OK ')) {
        socket.destroy();
        reject(new Error(`the bus refused authentication (${text.slice(0, end)})`));
        return;
      }
      socket.write('BEGIN\r\n');
      resolve();
    };
    socket.on('data', onData);
    const uid = String(process.getuid?.() ?? 0);
    socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid, 'ascii').toString('hex')}\r\n`);
  });
}
