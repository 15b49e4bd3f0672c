// The emulator's action table can take another query API's actions (as IAM's will be): requests for them are
// signed for that API's service, carry its Version, and are answered in its XML namespace; STS is unaffected.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  el,
  NodeSha256,
  StsEmulator,
  StsError,
  validateParams,
  type ActionHandler,
  type IssuedUser,
  type QueryApi,
} from './sts-emulator.ts';

const EXAMPLE_API: QueryApi = {
  service: 'example',
  version: '2010-05-08',
  namespace: 'https://example.amazonaws.com/doc/2010-05-08/',
};

const whoAmI: ActionHandler = (params, caller) => {
  validateParams(params, [{ param: 'Tag', member: 'tag', required: true, minLength: 1 }]);
  if (params.get('Tag') === 'deny') throw new StsError(403, 'AccessDenied', 'denied by the test');
  return el('Arn', caller.principalArn) + el('Tag', params.get('Tag')!);
};

let emu: StsEmulator;
let user: IssuedUser;

before(async () => {
  emu = await StsEmulator.start();
  user = emu.addUser({ userName: 'actions', accountId: '111111111111' });
  emu.registerActions(EXAMPLE_API, { WhoAmI: whoAmI });
});
after(() => emu.stop());

async function call(service: string, query: Record<string, string>): Promise<{ status: number; xml: string }> {
  const url = new URL(emu.url);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: user, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query,
    headers: { host: url.host },
  });
  const res = await fetch(`${emu.url}/?${new URLSearchParams(query)}`, { headers: signed.headers });
  return { status: res.status, xml: await res.text() };
}

test('a registered action answers with its API’s namespace; validation and StsError work as for STS', async () => {
  const ok = await call('example', { Action: 'WhoAmI', Version: '2010-05-08', Tag: 'x' });
  assert.equal(ok.status, 200, ok.xml);
  assert.match(ok.xml, /^<WhoAmIResponse xmlns="https:\/\/example\.amazonaws\.com\/doc\/2010-05-08\/">/);
  assert.match(ok.xml, new RegExp(`<WhoAmIResult><Arn>${user.arn}</Arn><Tag>x</Tag></WhoAmIResult>`));

  const invalid = await call('example', { Action: 'WhoAmI', Version: '2010-05-08' });
  assert.equal(invalid.status, 400);
  assert.match(invalid.xml, /<ErrorResponse xmlns="https:\/\/example\.amazonaws\.com\/doc\/2010-05-08\/">/);
  assert.match(invalid.xml, /<Code>ValidationError<\/Code>/);

  const denied = await call('example', { Action: 'WhoAmI', Version: '2010-05-08', Tag: 'deny' });
  assert.equal(denied.status, 403);
  assert.match(denied.xml, /<Code>AccessDenied<\/Code><Message>denied by the test<\/Message>/);
  assert.equal(emu.count('WhoAmI', user.accessKeyId), 3);
});

test('a registered action must be signed for its own service and carry its own Version', async () => {
  const wrongService = await call('sts', { Action: 'WhoAmI', Version: '2010-05-08', Tag: 'x' });
  assert.equal(wrongService.status, 403);
  assert.match(wrongService.xml, /Credential should be scoped to correct service: &apos;example&apos;/);

  const wrongVersion = await call('example', { Action: 'WhoAmI', Version: '2011-06-15', Tag: 'x' });
  assert.equal(wrongVersion.status, 400);
  assert.match(
    wrongVersion.xml,
    /<Code>InvalidAction<\/Code><Message>Could not find operation WhoAmI for version 2011-06-15/,
  );
});

test('STS actions keep STS’s service, Version and namespace; a name cannot be registered twice', async () => {
  const sts = await call('sts', { Action: 'GetCallerIdentity', Version: '2011-06-15' });
  assert.equal(sts.status, 200, sts.xml);
  assert.match(sts.xml, /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
  const unknown = await call('sts', { Action: 'Nope', Version: '2011-06-15' });
  assert.match(unknown.xml, /Could not find operation Nope for version 2011-06-15/);
  assert.throws(
    () => emu.registerActions(EXAMPLE_API, { GetCallerIdentity: whoAmI }),
    /action GetCallerIdentity is already registered/,
  );
});
