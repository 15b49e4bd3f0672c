// StsEmulator: the HTTP server and the public face of the emulator. It routes each request (control
// endpoints, federation sign-in, the query API) and delegates to the modules beside it. Test fixture only.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ActionTable, STS_ACTIONS, STS_API, type ActionContext, type ActionHandler, type QueryApi } from './actions.ts';
import { EmulatorClock } from './clock.ts';
import { CallLog, type EmulatorCall } from './counters.ts';
import { CredentialStore, type IssuedUser } from './credentials.ts';
import { handleFederation } from './federation.ts';
import { FaultQueue, type FaultSpec } from './faults.ts';
import { IAM_API, IamActions } from './iam.ts';
import {
  headerValue,
  queryParams,
  readBody,
  redactParams,
  sendText,
  sendXml,
  STS_VERSION,
  StsError,
} from './protocol.ts';
import { accessKeyIdFromAuthorization, authenticate } from './signing.ts';
import { SIGNIN_TOKEN_PATH, SigninService } from './signin.ts';
import { MfaDevices, totpStep } from './totp.ts';
import type { SessionAttributes } from './session-tags.ts';
import { RoleStore } from './trust.ts';
import { errorXml, successXml } from './xml.ts';

export class StsEmulator {
  readonly url: string;

  private readonly server: Server;
  private readonly credentials = new CredentialStore();
  private readonly roles = new RoleStore();
  private readonly devices = new MfaDevices();
  private readonly clock = new EmulatorClock();
  private readonly callLog = new CallLog();
  private readonly faults = new FaultQueue();
  private readonly actions = new ActionTable();
  private readonly signinTokens = new Map<string, string>();
  private readonly sockets = new Set<Socket>();
  private readonly context: ActionContext;
  /** IAM's access-key actions on this emulator's users (iam.ts). */
  readonly iam: IamActions;
  /** The sign-in service's CreateOAuth2Token, for `aws login` sessions (signin.ts). */
  readonly signin: SigninService;
  private stopped = false;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
    this.actions.register(STS_API, STS_ACTIONS);
    this.iam = new IamActions(this.credentials);
    this.actions.register(IAM_API, this.iam.handlers());
    this.signin = new SigninService({ credentials: this.credentials, clock: this.clock, calls: this.callLog, url });
    const { credentials, roles, devices, clock } = this;
    this.context = {
      credentials,
      roles,
      devices,
      clock,
      verifyMfa: (serial, code) => devices.verify(serial, code, totpStep(clock.nowMs())),
    };
  }

  static async start(opts: { host?: string } = {}): Promise<StsEmulator> {
    const host = opts.host ?? '127.0.0.1';
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const emu = new StsEmulator(server, `http://${urlHost}:${port}`);
    server.on('connection', (socket) => {
      emu.sockets.add(socket);
      socket.on('close', () => emu.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      emu.handle(req, res).catch(() => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        } else {
          res.destroy();
        }
      });
    });
    return emu;
  }

  // ----- set-up --------------------------------------------------------------

  addUser(o: { userName: string; accountId: string; accessKeyId?: string; secretAccessKey?: string }): IssuedUser {
    return this.credentials.addUser(o);
  }

  addMfaDevice(o: { serial: string; secret?: string }): { serial: string; secret: string } {
    return this.devices.add(o);
  }

  addRole(o: { arn: string; maxSessionDuration?: number; requireMfa?: boolean; externalId?: string }): void {
    this.roles.add(o);
  }

  /** Answers more query-API actions (another API's, e.g. IAM's) beside STS's; see actions.ts. */
  registerActions(api: QueryApi, handlers: Readonly<Record<string, ActionHandler>>): void {
    this.actions.register(api, handlers);
  }

  // ----- clocks and MFA ---------------------------------------------------------

  now(): Date {
    return new Date(this.clock.nowMs());
  }

  advance(seconds: number): void {
    this.clock.advance(seconds);
  }

  setSkew(seconds: number): void {
    this.clock.setSkew(seconds);
  }

  currentCode(serial: string, offsetSteps = 0): string {
    return this.devices.code(serial, totpStep(this.clock.nowMs()) + offsetSteps);
  }

  // ----- credentials -------------------------------------------------------------

  /** The session tags, transitive keys and source identity of a role session it issued (undefined for others). */
  sessionAttributes(accessKeyId: string): SessionAttributes | undefined {
    return this.credentials.get(accessKeyId)?.session;
  }

  revoke(accessKeyId: string): void {
    this.credentials.revoke(accessKeyId);
  }

  /** Principal ARN behind a sign-in token issued by the federation endpoint, if any. */
  signinTokenPrincipal(token: string): string | undefined {
    return this.signinTokens.get(token);
  }

  // ----- counting and faults -------------------------------------------------------

  count(action?: string, callerAccessKeyId?: string): number {
    return this.callLog.count(action, callerAccessKeyId);
  }

  calls(): ReadonlyArray<EmulatorCall> {
    return this.callLog.calls();
  }

  resetCounts(): void {
    this.callLog.reset();
  }

  injectFault(f: FaultSpec): void {
    this.faults.inject(f);
  }

  /** Forgets the faults injected and not used yet. */
  clearFaults(): void {
    this.faults.clear();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.iam.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.faults.releaseHanging();
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  // =====================================================================================
  // HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname.startsWith('/__emulator/')) {
      this.handleControl(url, res);
      return;
    }
    const body = await readBody(req);
    if (body === null) {
      res.statusCode = 413;
      res.end();
      return;
    }
    if (url.pathname === SIGNIN_TOKEN_PATH) {
      this.signin.handle(req, body, res);
      return;
    }
    if (url.pathname === '/federation') {
      const { credentials, clock, callLog: calls, faults, signinTokens } = this;
      handleFederation(req, url, body, res, { credentials, clock, calls, faults, signinTokens });
      return;
    }
    if (url.pathname !== '/' || (req.method !== 'POST' && req.method !== 'GET')) {
      sendText(res, 404, 'Not Found\n');
      return;
    }
    await this.handleQuery(req, url, body, res);
  }

  /** One query-API call: logged, possibly faulted, authenticated for its API, then answered by its handler. */
  private async handleQuery(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): Promise<void> {
    const params = queryParams(req, url, body);
    const action = params.get('Action') ?? '';
    const record = this.callLog.start(action, redactParams(params));

    const fault = this.faults.take(action);
    if (fault && fault.kind !== 'lose-answer') {
      this.faults.apply(fault, record, req, res, { credentials: this.credentials, clock: this.clock });
      return;
    }

    // An action nobody registered is authenticated and versioned as STS, then refused as STS refuses it.
    const registered = this.actions.get(action);
    const api = registered?.api ?? STS_API;
    const requestId = randomUUID();
    const send = (status: number, xml: string) =>
      sendXml(res, status, xml, requestId, new Date(this.clock.serverNowMs()));
    try {
      record.accessKeyId = accessKeyIdFromAuthorization(headerValue(req, 'authorization'));
      const caller = await authenticate(req, url, body, {
        credentials: this.credentials,
        service: api.service,
        clock: this.clock,
      });
      record.principal = caller.principalArn;
      if (params.get('Version') !== api.version) {
        throw new StsError(
          400,
          'InvalidAction',
          `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`,
        );
      }
      if (!registered)
        throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${STS_VERSION}`);
      const resultXml = registered.handle(params, caller, this.context);
      record.ok = true;
      if (fault) {
        record.errorCode = 'Fault:lose-answer';
        this.faults.hold(res);
        return;
      }
      send(200, successXml(action, resultXml, requestId, api.namespace));
    } catch (err) {
      if (!(err instanceof StsError)) throw err;
      record.errorCode = err.code;
      send(err.status, errorXml(err.type, err.code, err.message, requestId, api.namespace));
    }
  }

  private handleControl(url: URL, res: ServerResponse): void {
    if (url.pathname === '/__emulator/code') {
      const serial = url.searchParams.get('serial') ?? '';
      if (!this.devices.has(serial)) {
        sendText(res, 404, 'unknown MFA device\n');
        return;
      }
      sendText(res, 200, this.currentCode(serial));
      return;
    }
    if (url.pathname === '/__emulator/counts') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.callLog.countsByAction()));
      return;
    }
    res.statusCode = 404;
    res.end();
  }
}
