// The AWS Query protocol as the emulator speaks it: request bodies and parameters, the STS error type,
// parameter validation in STS's words, and XML answers. Test fixture only.

import type { IncomingMessage, ServerResponse } from 'node:http';

export const STS_VERSION = '2011-06-15';
const MAX_BODY_BYTES = 1024 * 1024;

/** An error answered to the client as `<ErrorResponse>` with this status, code and message. */
export class StsError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: 'Sender' | 'Receiver';
  constructor(status: number, code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.status = status;
    this.code = code;
    this.type = type;
  }
}

/** The request body, or null when it is larger than the emulator accepts (1 MiB). */
export async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Query parameters: the form-encoded body of a POST, the URL's query string otherwise. */
export function queryParams(req: IncomingMessage, url: URL, body: Buffer): URLSearchParams {
  return req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

/** Parameters as recorded in the call log: the MFA code never kept. */
export function redactParams(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = k === 'TokenCode' ? '<redacted>' : v;
  return out;
}

/** Answers with an XML body; `serverNow` is the server's idea of now (the SDK uses it to correct its clock). */
export function sendXml(res: ServerResponse, status: number, xml: string, requestId: string, serverNow: Date): void {
  res.statusCode = status;
  res.setHeader('x-amzn-RequestId', requestId);
  res.setHeader('content-type', 'text/xml');
  res.setHeader('content-length', Buffer.byteLength(xml));
  res.setHeader('date', serverNow.toUTCString());
  res.end(xml);
}

/** Answers with a short plain-text body (control and federation endpoints). */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain');
  res.end(text);
}

// ---------------------------------------------------------------------------
// Parameter validation in the style of STS ("1 validation error detected: …")

export interface ParamRule {
  param: string;
  member: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: { re: RegExp; text: string };
  min?: number;
  max?: number;
  numeric?: boolean;
}

export function validateParams(params: URLSearchParams, rules: ParamRule[]): void {
  const problems: string[] = [];
  for (const r of rules) {
    const v = params.get(r.param);
    if (v === null) {
      if (r.required)
        problems.push(`Value null at '${r.member}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    const prefix = `Value '${v}' at '${r.member}' failed to satisfy constraint: Member must`;
    if (r.numeric) {
      if (!/^-?\d+$/.test(v)) {
        problems.push(`${prefix} be a number`);
        continue;
      }
      const n = Number(v);
      if (r.min !== undefined && n < r.min) problems.push(`${prefix} have value greater than or equal to ${r.min}`);
      if (r.max !== undefined && n > r.max) problems.push(`${prefix} have value less than or equal to ${r.max}`);
      continue;
    }
    if (r.minLength !== undefined && v.length < r.minLength)
      problems.push(`${prefix} have length greater than or equal to ${r.minLength}`);
    if (r.maxLength !== undefined && v.length > r.maxLength)
      problems.push(`${prefix} have length less than or equal to ${r.maxLength}`);
    if (r.pattern && !r.pattern.re.test(v))
      problems.push(`${prefix} satisfy regular expression pattern: ${r.pattern.text}`);
  }
  if (problems.length > 0) {
    const n = problems.length;
    throw new StsError(
      400,
      'ValidationError',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    );
  }
}

export const SERIAL_RULE: ParamRule = {
  param: 'SerialNumber',
  member: 'serialNumber',
  minLength: 9,
  maxLength: 256,
  pattern: { re: /^[\w+=/:,.@-]*$/, text: '[\\w+=/:,.@-]*' },
};

export const TOKEN_CODE_RULE: ParamRule = {
  param: 'TokenCode',
  member: 'tokenCode',
  minLength: 6,
  maxLength: 6,
  pattern: { re: /^\d*$/, text: '[\\d]*' },
};

export function durationRule(min: number, max: number): ParamRule {
  return { param: 'DurationSeconds', member: 'durationSeconds', numeric: true, min, max };
}
