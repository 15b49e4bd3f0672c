// The world a stress run happens in: a sandbox (STS emulator + AWS files), five role profiles whose mfa_process
// logs when each prompt starts and ends, a shim directory, a stand-in for the real terraform, and a way to start
// tfmfa through each entry. Test support only.
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { CLI, createSandbox, ROLE_ARN, ROLE_B, ROLE_C, ROOT, SERIAL, type Sandbox } from '../sandbox.ts';

export type Entry = 'exec' | 'credential-process' | 'shim' | 'launcher' | 'server';

/** An mfa_process that logs start and end (with its process group) and prints the emulator's current code. */
const PROMPT_SCRIPT = `import { appendFileSync, readFileSync } from 'node:fs';
const [log, url, serial, delay] = process.argv.slice(2);
const stat = readFileSync('/proc/self/stat', 'utf8');
const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
appendFileSync(log, JSON.stringify({ e: 'start', pid: process.pid, pgid, t: Date.now() }) + '\\n');
if (Number(delay) > 0) await new Promise((r) => setTimeout(r, Number(delay)));
const res = await fetch(url + '/__emulator/code?serial=' + encodeURIComponent(serial));
const code = (await res.text()).trim();
appendFileSync(log, JSON.stringify({ e: 'end', pid: process.pid, pgid, t: Date.now() }) + '\\n');
process.stdout.write(code + '\\n');
`;

/** The child of `exec --server`: fetches credentials once, as an SDK would. */
const FETCH_SCRIPT = `const r = await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, {
  headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN },
});
const j = await r.json();
if (r.status !== 200 || !String(j.AccessKeyId).startsWith('ASIA')) {
  process.stderr.write('server answered ' + r.status + '\\n');
  process.exit(3);
}
`;

export interface PromptEvent {
  e: 'start' | 'end';
  pid: number;
  pgid: number;
  t: number;
}

export interface World {
  box: Sandbox;
  promptLog: string;
  shimDir: string;
  realDir: string;
  fetchScript: string;
  entries: Entry[];
}

export async function createWorld(): Promise<World> {
  const box = await createSandbox();
  const promptScript = join(box.dir, 'prompt.mjs');
  const promptLog = join(box.dir, 'prompts.jsonl');
  const fetchScript = join(box.dir, 'fetch.mjs');
  writeFileSync(promptScript, PROMPT_SCRIPT);
  writeFileSync(promptLog, '');
  writeFileSync(fetchScript, FETCH_SCRIPT);
  const prompt = (delayMs: number) =>
    `${process.execPath} ${promptScript} ${promptLog} ${box.emu.url} ${SERIAL} ${delayMs}`;
  const role = (name: string, arn: string, delayMs: number, extra = '') => `[profile ${name}]
source_profile = GEHC-000
role_arn = ${arn}
mfa_serial = ${SERIAL}
mfa_process = ${prompt(delayMs)}
${extra}`;
  box.writeConfig(
    [
      role('par-0', ROLE_ARN, 0, 'external_id = 111111111111\n'),
      role('par-1', ROLE_B, 0),
      role('par-2', ROLE_C, 0),
      role('victim-fast', ROLE_B, 0),
      role('victim-slow', ROLE_B, 5000),
    ].join(''),
  );
  const shimDir = join(box.dir, 'shim');
  const realDir = join(box.dir, 'real');
  mkdirSync(shimDir);
  mkdirSync(realDir);
  symlinkSync(CLI, join(shimDir, 'terraform'));
  writeFileSync(
    join(realDir, 'terraform'),
    '#!/bin/sh\n[ -n "$AWS_ACCESS_KEY_ID" ] && [ -n "$AWS_SESSION_TOKEN" ] || { echo "no credentials" >&2; exit 3; }\n',
  );
  chmodSync(join(realDir, 'terraform'), 0o755);
  const entries: Entry[] = ['exec', 'credential-process', 'shim', 'server'];
  if (existsSync(join(ROOT, 'shims', 'terraform'))) entries.push('launcher');
  return { box, promptLog, shimDir, realDir, fetchScript, entries };
}

export function start(world: World, entry: Entry, profile: string): ResultPromise {
  const { box } = world;
  const options = {
    env: box.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore' as const,
    detached: true,
    timeout: 120_000,
    forceKillAfterDelay: 1000,
  };
  const path = (first: string) => `${first}:${world.realDir}:${box.env.PATH}`;
  switch (entry) {
    case 'exec':
      return execa(process.execPath, [CLI, 'exec', profile, '--', join(world.realDir, 'terraform'), 'plan'], options);
    case 'credential-process':
      return execa(process.execPath, [CLI, 'credential-process', profile], options);
    case 'shim':
      return execa(join(world.shimDir, 'terraform'), ['plan'], {
        ...options,
        env: { ...box.env, AWS_PROFILE: profile, PATH: path(world.shimDir) },
      });
    case 'launcher':
      return execa(join(ROOT, 'shims', 'terraform'), ['plan'], {
        ...options,
        env: { ...box.env, AWS_PROFILE: profile, PATH: path(join(ROOT, 'shims')) },
      });
    case 'server':
      return execa(
        process.execPath,
        [CLI, 'exec', '--server', profile, '--', process.execPath, world.fetchScript],
        options,
      );
  }
}

export function promptEvents(world: World): PromptEvent[] {
  return readFileSync(world.promptLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PromptEvent);
}
