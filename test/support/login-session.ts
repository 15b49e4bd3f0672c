import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginTokenFile } from './sts-emulator/index.ts';
import { DEBIAN_PYTHON } from './botocore.ts';
import { ROOT, type Sandbox } from './sandbox.ts';

/** The principal `aws login` signed in as, in the sandbox's account. */
export const LOGIN_ARN = 'arn:aws:iam::222222222222:user/username';
/** A role the login principal may assume without MFA, and one that needs a code (ROLE_B needs MFA). */
export const LOGIN_ROLE = 'arn:aws:iam::111111111111:role/from-login';

/** Where `aws login` keeps the token of LOGIN_ARN in the sandbox's HOME. */
export function loginTokenFile(box: Sandbox, session = LOGIN_ARN): string {
  return join(box.home, '.aws', 'login', 'cache', `${createHash('sha256').update(session).digest('hex')}.json`);
}

/** Writes a token file as `aws login` does (0600, in a 0700 directory). */
export function writeLoginToken(box: Sandbox, token: LoginTokenFile | string, session = LOGIN_ARN): string {
  const path = loginTokenFile(box, session);
  mkdirSync(join(box.home, '.aws', 'login', 'cache'), { recursive: true, mode: 0o700 });
  writeFileSync(path, typeof token === 'string' ? token : JSON.stringify(token, null, 2), { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function readLoginTokenFile(box: Sandbox, session = LOGIN_ARN): LoginTokenFile {
  return JSON.parse(readFileSync(loginTokenFile(box, session), 'utf8')) as LoginTokenFile;
}

/** Every file under the cache's sessions and tickets directories (what tfmfa cached). */
export function cachedFiles(box: Sandbox): string[] {
  return ['sessions', 'tickets'].flatMap((sub) => {
    const dir = join(box.cacheDir, sub);
    return existsSync(dir) ? readdirSync(dir).map((name) => `${sub}/${name}`) : [];
  });
}

/** The profiles of the login world: the login profile, a role from it, and a role from it that needs a code. */
export function loginConfig(box: Sandbox): string {
  return `[profile dev-login]
login_session = ${LOGIN_ARN}
region = us-west-2
[profile login-role]
source_profile = dev-login
role_arn = ${LOGIN_ROLE}
[profile login-mfa-role]
source_profile = dev-login
role_arn = arn:aws:iam::111111111111:role/team-b
mfa_serial = arn:aws:iam::222222222222:mfa/username
mfa_process = ${box.mfaProcess}
`;
}

/**
 * The access key botocore (Debian's python3-botocore, the AWS CLI's reader) resolves for `profile` in the
 * environment `env` (the overlay's files, from a tfmfa session): a real reader of credential_process lines.
 */
export function botocoreAccessKey(
  env: Record<string, string | undefined>,
  profile: string,
): { key?: string; error?: string } {
  const script =
    `import botocore.session, sys\ntry:\n    c = ` +
    `botocore.session.Session(profile=sys.argv[1]).get_credentials().get_frozen_credentials()\n    ` +
    `print(c.access_key)\nexcept Exception as e:\n    print('ERROR ' + type(e).__name__ + ': ' + str(e))\n`;
  const out = spawnSync(DEBIAN_PYTHON, ['-c', script, profile], { encoding: 'utf8', env: cleanEnv(env) });
  const line = out.stdout.trim();
  return line.startsWith('ERROR ') || out.status !== 0 ? { error: `${line} ${out.stderr}` } : { key: line };
}

/** The same with the JS SDK's own profile chain (fromIni), run in a child so it reads that environment's files. */
export function jsSdkAccessKey(
  env: Record<string, string | undefined>,
  profile: string,
): { key?: string; error?: string } {
  const script =
    `import { fromIni } from '@aws-sdk/credential-providers';\ntry { const c = await fromIni({ ` +
    `profile: process.argv[1], ignoreCache: true })(); console.log(c.accessKeyId); } catch (e) { ` +
    `console.log('ERROR ' + e.name + ': ' + e.message); }\n`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script, profile], {
    encoding: 'utf8',
    env: cleanEnv(env),
    cwd: ROOT,
  });
  const line = out.stdout.trim();
  return line.startsWith('ERROR ') || out.status !== 0 ? { error: `${line} ${out.stderr}` } : { key: line };
}

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
