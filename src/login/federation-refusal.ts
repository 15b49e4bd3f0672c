/**
 * What to say when the federation endpoint does not hand out a sign-in token. The request carries the session's
 * secret key and token in its query, and an endpoint, a proxy or a captive portal may echo the request URL in
 * its answer: so the answer's body is never quoted. The message names the endpoint and the HTTP status, and
 * the advice comes from the status and a few fixed phrases of AWS's own answers, looked for only after the
 * request's parameter names are taken out of the body.
 */

/** The advice for a refusal (HTTP 4xx/5xx) with this status and body. */
export function refusalAdvice(status: number, body: string): string {
  if (status >= 500)
    return (
      'the endpoint failed: try again in a minute; if it keeps failing, check --federation-url / ' +
      'TFMFA_FEDERATION_URL and any proxy in between'
    );
  if (status === 404 || status === 405)
    return 'this is not a federation endpoint: check --federation-url / TFMFA_FEDERATION_URL';
  // An echoed request holds `SessionDuration=…` and `Session=…`: those names say nothing about the refusal.
  const text = body.replace(/Session(?:Duration)?(?:=|%3D)/gi, ' ');
  if (/\bexpired\b/i.test(text)) return "the credentials have expired: run 'tfmfa clear PROFILE' and try again";
  if (/\bSessionDuration\b/i.test(text))
    return (
      '--duration must be 15m to 12h, and roles reached by role chaining may not take it at all: try ' +
      'without --duration'
    );
  return "check that the profile's role may sign in to the console, and that no proxy in between refused the request";
}

/** The one-line error for a refusal: endpoint, status, advice; never the body. */
export function refusalMessage(federationUrl: string, status: number, body: string): string {
  return (
    `the AWS federation endpoint ${federationUrl} refused the sign-in ` +
    `(HTTP ${status}): ${refusalAdvice(status, body)}`
  );
}

/** The one-line error for a success status without a token (a captive portal or a proxy's page, say). */
export function noTokenMessage(federationUrl: string, status: number): string {
  return (
    `the AWS federation endpoint ${federationUrl} answered HTTP ${status} without a sign-in token: if the ` +
    `network needs a sign-in (a captive portal) or a proxy is in between, sort that out first; else check ` +
    `--federation-url / TFMFA_FEDERATION_URL`
  );
}
