/**
 * The bytes of the credential server's answers: HTTP/1.1, a JSON body with its exact Content-Length, never
 * cached, and `Connection: close` (one request per connection; the server closes after the answer).
 */

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

export interface JsonResponse {
  status: number;
  body: unknown;
  /** Extra headers (e.g. `Allow`); names and values are ours, never the client's. */
  headers?: Record<string, string>;
}

/** The whole response; an answer to HEAD has the headers only (Content-Length still that of the body). */
export function responseBytes(response: JsonResponse, options: { head?: boolean } = {}): Buffer {
  const body = Buffer.from(JSON.stringify(response.body), 'utf8');
  const fields: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    Connection: 'close',
    ...response.headers,
  };
  const lines = [`HTTP/1.1 ${response.status} ${REASONS[response.status] ?? 'Unknown'}`];
  for (const [name, value] of Object.entries(fields)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`response header ${name} holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return options.head ? head : Buffer.concat([head, body]);
}
