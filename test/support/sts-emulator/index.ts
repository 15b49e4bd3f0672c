// A local AWS STS emulator for tests: real HTTP on 127.0.0.1, AWS Query protocol, SigV4 verification of
// every request, MFA (TOTP) devices, roles, an emulator clock, call counting and fault injection. Test
// fixture only, never product code. It never logs anything (in particular no secrets).
//
//   emulator.ts     StsEmulator: the HTTP server, request routing, the public methods
//   protocol.ts     query protocol: bodies, parameters and their validation, StsError, XML/text answers
//   xml.ts          the XML bodies STS answers with
//   signing.ts      SigV4 verification with the SDK's signer (NodeSha256), Authorization parsing, clock skew
//   actions.ts      the action table (name → API + handler) and STS's actions
//   trust.ts        roles and AssumeRole's trust rules: MFA, external id, durations, role chaining
//   totp.ts         MFA devices and their single-use codes
//   credentials.ts  user keys and issued temporary credentials
//   clock.ts        the emulator clock (expiry, TOTP) and the server clock (skew)
//   counters.ts     the call log: counts by action and caller
//   faults.ts       injected faults: error status, hang, closed connection
//   federation.ts   the console sign-in endpoint (getSigninToken)
//   signin.ts       the sign-in service's CreateOAuth2Token with DPoP (`aws login` refresh), and token files

export { StsEmulator } from './emulator.ts';
export type { IssuedUser } from './credentials.ts';
export type { EmulatorCall } from './counters.ts';
export type { FaultSpec } from './faults.ts';
export { jwkThumbprint, type LoginTokenFile } from './signin.ts';
export { NodeSha256 } from './signing.ts';

// For modules that add actions (registerActions): the table's types, the error type and parameter validation.
export { STS_API, type ActionContext, type ActionHandler, type QueryApi } from './actions.ts';
export type { CredentialRecord } from './credentials.ts';
export { StsError, validateParams, type ParamRule } from './protocol.ts';
export { el } from './xml.ts';
