/**
 * A strict reader of HTTP/1.x request heads (RFC 9112), for the credential server's one endpoint. It accepts
 * exactly what the SDKs send (a GET without a body) and refuses anything ambiguous rather than guessing:
 *
 * - the head ends at the first CRLF CRLF and is at most HEAD_LIMIT bytes (more: 431);
 * - every line ends in CRLF: a bare LF anywhere in the head is refused as soon as it arrives (400), and so is a
 *   CR not followed by LF (no line-ending tolerance, so no request reads differently here and in a proxy);
 * - the request line is `METHOD SP target SP HTTP/1.0|1.1`, a token for the method and visible ASCII for the target;
 *   a byte that cannot be in a request line (a control, non-ASCII: a TLS hello, say) is refused as soon as it arrives;
 * - header lines are `name: value` with a token name right before the colon; obs-fold (a line starting with a
 *   space or tab), control characters in values (NUL, CR...) and a second Host or Authorization are refused;
 * - a body is refused: any Transfer-Encoding, or a Content-Length other than one `0`.
 *
 * Bytes after the head (a pipelined request) are handed back untouched; the server answers one request per
 * connection. Values are read as latin1, so a non-ASCII byte is one character and never a decoding surprise.
 */

/** The most a head may take, request line and headers included, CRLF CRLF excluded. */
export const HEAD_LIMIT = 8 * 1024;

export interface RequestHead {
  method: string;
  target: string;
  version: '1.0' | '1.1';
  /** Lower-case names; a repeated header (other than Host and Authorization, refused) joined with ", ". */
  headers: Map<string, string>;
}

export type HeadOutcome =
  | { state: 'incomplete' }
  | { state: 'complete'; head: RequestHead; rest: Buffer }
  | { state: 'invalid'; status: 400 | 431; reason: string };

const CR = 0x0d;
const LF = 0x0a;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII: what a request target may hold (RFC 3986 characters; no spaces, no controls, no non-ASCII). */
const TARGET = /^[\x21-\x7e]+$/;
/** Field content: visible characters, obs-text (0x80-0xff), spaces and tabs; no controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const UNIQUE = new Set(['host', 'authorization', 'content-length']);

function invalid(reason: string, status: 400 | 431 = 400): HeadOutcome {
  return { state: 'invalid', status, reason };
}

/**
 * Collects a connection's bytes until a whole head has arrived, whatever the packet boundaries: feeding the bytes
 * in one chunk or one byte at a time gives the same outcome. After a complete or invalid outcome it is done.
 */
export class RequestHeadReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes already checked for line endings. */
  private scanned = 0;
  /**
   * False until the request line's LF: bytes before it are printable ASCII, so a TLS hello or binary junk is
   * refused at once.
   */
  private requestLineDone = false;
  private outcome: HeadOutcome = { state: 'incomplete' };

  push(chunk: Buffer): HeadOutcome {
    if (this.outcome.state !== 'incomplete') return this.outcome;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.outcome = this.scan();
    return this.outcome;
  }

  private scan(): HeadOutcome {
    const buffer = this.buffer;
    // The head's end (CRLF CRLF) may be up to HEAD_LIMIT + 4 bytes in; nothing past that is looked at.
    const limit = Math.min(buffer.length, HEAD_LIMIT + 4);
    for (let i = this.scanned; i < limit; i++) {
      const byte = buffer[i];
      if (byte === LF) {
        if (i === 0 || buffer[i - 1] !== CR) return invalid('a line ends in a bare LF (CRLF required)');
        this.requestLineDone = true;
        if (i >= 3 && buffer[i - 2] === LF && buffer[i - 3] === CR) {
          return parseHead(buffer.subarray(0, i - 3), buffer.subarray(i + 1));
        }
      } else if (i > 0 && buffer[i - 1] === CR) {
        return invalid('a CR not followed by LF');
      } else if (!this.requestLineDone && byte !== CR && (byte === undefined || byte < 0x20 || byte > 0x7e)) {
        return invalid('malformed request line');
      }
    }
    // A CR as the last byte scanned is judged when the next byte arrives.
    this.scanned = limit;
    if (buffer.length >= HEAD_LIMIT + 4) return invalid(`request head over ${HEAD_LIMIT} bytes`, 431);
    return { state: 'incomplete' };
  }
}

/** Parses a whole head (without its final CRLF CRLF); `rest` is what followed it. */
export function parseHead(bytes: Buffer, rest: Buffer = Buffer.alloc(0)): HeadOutcome {
  if (bytes.length > HEAD_LIMIT) return invalid(`request head over ${HEAD_LIMIT} bytes`, 431);
  const lines = bytes.toString('latin1').split('\r\n');
  const requestLine = parseRequestLine(lines[0] as string);
  if ('reason' in requestLine) return invalid(requestLine.reason);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const field = parseFieldLine(line);
    if ('reason' in field) return invalid(field.reason);
    const previous = headers.get(field.name);
    if (previous !== undefined && UNIQUE.has(field.name)) return invalid(`more than one ${field.name} header`);
    headers.set(field.name, previous === undefined ? field.value : `${previous}, ${field.value}`);
  }
  if (headers.has('transfer-encoding')) return invalid('a request body is not accepted (Transfer-Encoding)');
  const length = headers.get('content-length');
  if (length !== undefined && length !== '0') {
    return invalid(
      /^\d+$/.test(length) ? 'a request body is not accepted (Content-Length)' : 'malformed Content-Length',
    );
  }
  return { state: 'complete', head: { ...requestLine, headers }, rest };
}

function parseRequestLine(line: string): Omit<RequestHead, 'headers'> | { reason: string } {
  const parts = line.split(' ');
  if (parts.length !== 3) return { reason: 'malformed request line' };
  const [method, target, protocol] = parts as [string, string, string];
  if (!TOKEN.test(method)) return { reason: 'malformed method' };
  if (!TARGET.test(target)) return { reason: 'malformed request target' };
  if (protocol !== 'HTTP/1.1' && protocol !== 'HTTP/1.0')
    return { reason: 'unsupported protocol version (HTTP/1.0 or HTTP/1.1)' };
  return { method, target, version: protocol === 'HTTP/1.1' ? '1.1' : '1.0' };
}

function parseFieldLine(line: string): { name: string; value: string } | { reason: string } {
  if (line.startsWith(' ') || line.startsWith('\t'))
    return { reason: 'obs-fold (a header line starting with whitespace)' };
  const colon = line.indexOf(':');
  if (colon <= 0) return { reason: 'malformed header line' };
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) return { reason: 'malformed header name' };
  const value = trimSpaceAndTab(line.slice(colon + 1));
  if (!FIELD_VALUE.test(value)) return { reason: 'control character in a header value' };
  return { name: name.toLowerCase(), value };
}

/**
 * `text` without leading and trailing spaces and tabs (optional whitespace, RFC 9110 §5.6.3), in one pass each
 * way: a regular expression for it backtracks quadratically on a long run of spaces that does not end the value,
 * which any local process could send before the token is looked at.
 */
function trimSpaceAndTab(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(start, end);
}
