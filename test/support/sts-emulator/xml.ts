// XML bodies in the shape AWS STS (Query protocol, version 2011-06-15) answers with.
// Test fixture only: used by the STS emulator (this folder).

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);
}

/** `<Name>escaped text</Name>` */
export function el(name: string, text: string): string {
  return `<${name}>${xmlEscape(text)}</${name}>`;
}

export interface XmlCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** ISO 8601 without milliseconds, as STS writes it: 2026-01-02T03:04:05Z */
export function stsTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function credentialsXml(c: XmlCredentials): string {
  return (
    '<Credentials>' +
    el('AccessKeyId', c.accessKeyId) +
    el('SecretAccessKey', c.secretAccessKey) +
    el('SessionToken', c.sessionToken) +
    el('Expiration', stsTimestamp(c.expiration)) +
    '</Credentials>'
  );
}

/**
 * `<ActionResponse
 * xmlns=…><ActionResult>inner</ActionResult><ResponseMetadata>…</ResponseMetadata></ActionResponse>`
 */
export function successXml(
  action: string,
  resultInnerXml: string,
  requestId: string,
  namespace = STS_NAMESPACE,
): string {
  return (
    `<${action}Response xmlns="${namespace}">\n` +
    `  <${action}Result>${resultInnerXml}</${action}Result>\n` +
    `  <ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata>\n` +
    `</${action}Response>\n`
  );
}

export function errorXml(
  type: 'Sender' | 'Receiver',
  code: string,
  message: string,
  requestId: string,
  namespace = STS_NAMESPACE,
): string {
  return (
    `<ErrorResponse xmlns="${namespace}">\n` +
    `  <Error>${el('Type', type)}${el('Code', code)}${el('Message', message)}</Error>\n` +
    `  ${el('RequestId', requestId)}\n` +
    `</ErrorResponse>\n`
  );
}
