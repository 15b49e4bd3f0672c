// The federation sign-in endpoint (/federation, Action=getSigninToken), as the AWS console sign-in URL
// flow uses it: temporary role or federated-user credentials in, a sign-in token out. Plain-text errors,
// no SigV4 (the credentials travel in the Session parameter). Test fixture only.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorClock } from './clock.ts';
import type { CallLog } from './counters.ts';
import type { CredentialStore } from './credentials.ts';
import type { FaultQueue } from './faults.ts';
import { queryParams, sendText } from './protocol.ts';
import { sameString } from './signing.ts';

export interface FederationState {
  credentials: CredentialStore;
  clock: EmulatorClock;
  calls: CallLog;
  faults: FaultQueue;
  /** Sign-in token → principal ARN, filled by successful calls. */
  signinTokens: Map<string, string>;
}

export function handleFederation(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  res: ServerResponse,
  state: FederationState,
): void {
  const params = queryParams(req, url, body);
  const action = params.get('Action') ?? '';
  const loggedParams: Record<string, string> = { Action: action };
  const duration = params.get('SessionDuration');
  if (duration !== null) loggedParams['SessionDuration'] = duration;
  const record = state.calls.start(action, loggedParams);

  const fault = state.faults.take(action);
  if (fault) {
    if (fault.kind === 'status') {
      record.errorCode = fault.code;
      sendText(res, fault.status, `${fault.message ?? fault.code}\n`);
      return;
    }
    state.faults.apply(fault, record, req, res, state);
    return;
  }

  const fail = (code: string, text: string): void => {
    record.errorCode = code;
    sendText(res, 400, `${text}\n`);
  };
  if (action !== 'getSigninToken') return fail('InvalidAction', 'Unsupported Action');
  let session: unknown;
  try {
    session = JSON.parse(params.get('Session') ?? '');
  } catch {
    return fail('MalformedSession', 'Session is not valid JSON');
  }
  const s = (session ?? {}) as Record<string, unknown>;
  const { sessionId, sessionKey, sessionToken } = s;
  if (typeof sessionId !== 'string' || typeof sessionKey !== 'string' || typeof sessionToken !== 'string') {
    return fail('MalformedSession', 'Session must contain sessionId, sessionKey and sessionToken');
  }
  record.accessKeyId = sessionId;
  if (duration !== null && (!/^\d+$/.test(duration) || +duration < 900 || +duration > 43200)) {
    return fail('InvalidSessionDuration', 'SessionDuration must be an integer between 900 and 43200');
  }
  const cred = state.credentials.get(sessionId);
  if (
    !cred ||
    cred.revoked ||
    cred.sessionToken === null ||
    !sameString(cred.secretAccessKey, sessionKey) ||
    !sameString(cred.sessionToken, sessionToken)
  ) {
    return fail('InvalidCredentials', 'The security token included in the request is invalid');
  }
  record.principal = cred.principalArn;
  if (cred.expiresAt !== null && state.clock.nowMs() >= cred.expiresAt) {
    return fail('ExpiredToken', 'The security token included in the request is expired');
  }
  if (cred.kind !== 'role' && cred.kind !== 'federated') {
    return fail(
      'InvalidCredentials',
      'Credentials from GetSessionToken or long-term keys cannot be used for console sign-in',
    );
  }
  const token = randomBytes(192).toString('base64url');
  state.signinTokens.set(token, cred.principalArn);
  record.ok = true;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ SigninToken: token }));
}
