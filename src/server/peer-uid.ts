/**
 * Which user opened a loopback connection to the credential server, on Linux: /proc/net/tcp and /proc/net/tcp6
 * list every TCP socket of this network namespace with its owner's uid. The client's socket is the one whose
 * local address and port are our connection's remote ones and whose remote port is the server's. One read answers
 * any number of connections (the server batches them). During a flood the tables hold tens of thousands of lines
 * and the kernel takes a few hundred milliseconds to print them, so they are read on libuv's thread pool (the
 * server keeps accepting meanwhile) and scanned as bytes through one reused buffer (building strings from them
 * would cost the very memory the caps are there to save). Elsewhere, or when /proc cannot be read, nothing is
 * found: the peer is unknown.
 */
import { close, open, read } from 'node:fs';

const MAPPED_PREFIX = Buffer.from('0000000000000000FFFF0000', 'latin1');
const CHUNK = 64 * 1024;

/**
 * A client socket as a number: its IPv4 address as /proc prints it (the 32-bit value in host order, that is the
 * bytes reversed), times 65536, plus its port. Undefined for anything but IPv4 (or IPv4-mapped) addresses.
 */
export function peerKey(address: string | undefined, port: number | undefined): number | undefined {
  if (address === undefined || port === undefined) return undefined;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  const parts = v4.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return undefined;
  const [a, b, c, d] = parts as [number, number, number, number];
  return (((d << 24) | (c << 16) | (b << 8) | a) >>> 0) * 65536 + port;
}

function hexValue(bytes: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    const digit =
      c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function decimalValue(bytes: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

/**
 * One table line (bytes [start, end)): `sl: local remote st tx:rx tr:when retrnsmt uid ...`, addresses as
 * `HEX:PORT` (8 hex digits in tcp, 32 in tcp6). Adds the uid of a socket whose remote port is `serverPort` and
 * whose local key is wanted.
 */
function scanLine(
  bytes: Buffer,
  start: number,
  end: number,
  serverPort: number,
  wanted: ReadonlySet<number>,
  found: Map<number, number>,
): void {
  let i = bytes.indexOf(0x3a, start); // the colon after `sl`
  if (i < 0 || i >= end) return;
  i++;
  // Fields by position, without building anything: 0 local, 1 remote, ..., 6 uid.
  let localStart = -1;
  let localEnd = -1;
  let remoteEnd = -1;
  for (let field = 0; field <= 6; field++) {
    while (i < end && bytes[i] === 0x20) i++;
    const fieldStart = i;
    while (i < end && bytes[i] !== 0x20) i++;
    if (i === fieldStart) return;
    if (field === 0) {
      localStart = fieldStart;
      localEnd = i;
    } else if (field === 1) {
      remoteEnd = i;
      if (bytes[remoteEnd - 5] !== 0x3a || hexValue(bytes, remoteEnd - 4, remoteEnd) !== serverPort) return;
    } else if (field === 6) {
      const length = localEnd - localStart;
      let ipStart: number;
      if (length === 13) ipStart = localStart;
      else if (
        length === 37 &&
        bytes.compare(MAPPED_PREFIX, 0, MAPPED_PREFIX.length, localStart, localStart + MAPPED_PREFIX.length) === 0
      )
        ipStart = localStart + 24;
      else return;
      const ip = hexValue(bytes, ipStart, ipStart + 8);
      const port = hexValue(bytes, localEnd - 4, localEnd);
      if (ip < 0 || port < 0) return;
      const key = ip * 65536 + port;
      if (!wanted.has(key)) return;
      const owner = decimalValue(bytes, fieldStart, i);
      if (owner >= 0) found.set(key, owner);
    }
  }
}

/** Scans one table file line by line through `buffer`, reading on libuv's thread pool (the kernel's part is slow). */
function scanTable(
  path: string,
  buffer: Buffer,
  serverPort: number,
  wanted: ReadonlySet<number>,
  found: Map<number, number>,
): Promise<void> {
  return new Promise((resolve) => {
    open(path, 'r', (openError, fd) => {
      if (openError) return resolve();
      let filled = 0;
      const finish = () => close(fd, () => resolve());
      const next = () => {
        read(fd, buffer, filled, buffer.length - filled, null, (readError, bytesRead) => {
          if (readError) return finish();
          const available = filled + bytesRead;
          let lineStart = 0;
          for (;;) {
            const newline = buffer.indexOf(0x0a, lineStart);
            if (newline < 0 || newline >= available) break;
            scanLine(buffer, lineStart, newline, serverPort, wanted, found);
            lineStart = newline + 1;
          }
          if (bytesRead === 0) return finish();
          // Keep the unfinished line; a line longer than the buffer (never in these tables) is dropped.
          filled = available - lineStart < buffer.length ? buffer.copy(buffer, 0, lineStart, available) : 0;
          next();
        });
      };
      next();
    });
  });
}

let shared: Buffer | undefined;
let scanning: Promise<unknown> = Promise.resolve();

/**
 * The uids of the clients behind `keys` (peerKey values) connected to `serverPort`; a key not found is left out.
 * Lookups run one at a time (they share one buffer).
 */
export function lookupPeerUids(
  keys: Iterable<number>,
  serverPort: number,
  platform: NodeJS.Platform = process.platform,
  tables = ['/proc/net/tcp', '/proc/net/tcp6'],
): Promise<Map<number, number>> {
  const wanted = new Set(keys);
  const found = new Map<number, number>();
  if (platform !== 'linux' || wanted.size === 0) return Promise.resolve(found);
  const run = scanning.then(async () => {
    shared ??= Buffer.allocUnsafe(CHUNK);
    for (const table of tables) await scanTable(table, shared, serverPort, wanted, found);
    return found;
  });
  scanning = run.catch(() => undefined);
  return run;
}
