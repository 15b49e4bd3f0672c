import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Debian's python3-botocore, run as a real second parser of AWS files (the AWS CLI's own reader). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

let available: boolean | undefined;
export function hasBotocore(): boolean {
  available ??=
    existsSync(DEBIAN_PYTHON) &&
    spawnSync(DEBIAN_PYTHON, ['-c', 'import botocore.session'], { stdio: 'ignore' }).status === 0;
  return available;
}

export interface BotocoreView {
  /** Every profile as botocore reads it (config and credentials files merged; sub-sections as objects). */
  profiles: Record<string, Record<string, unknown>>;
  /** credential_process of each profile that has one, split as botocore's process provider splits it. */
  argv: Record<string, string[]>;
  /** Set when botocore cannot parse the files (it then fails every command). */
  error?: string;
}

// One request per line on stdin ({"config", "credentials"}), one JSON answer per line on stdout.
const SCRIPT = `
import json, os, sys, botocore.session
from botocore.compat import compat_shell_split
def read(config, credentials):
    os.environ['AWS_CONFIG_FILE'] = config
    os.environ['AWS_SHARED_CREDENTIALS_FILE'] = credentials
    try:
        profiles = botocore.session.Session().full_config['profiles']
    except Exception as e:
        return {'profiles': {}, 'argv': {}, 'error': type(e).__name__ + ': ' + str(e)}
    argv = {}
    for name, values in profiles.items():
        command = values.get('credential_process')
        if isinstance(command, str):
            try:
                argv[name] = compat_shell_split(command)
            except ValueError as e:
                argv[name] = ['<unsplittable: ' + str(e) + '>']
    return {'profiles': profiles, 'argv': argv}
for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.write(json.dumps(read(request['config'], request['credentials'])) + '\\n')
    sys.stdout.flush()
`;

const ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: '/nonexistent' };

/** A long-lived botocore reader (Python starts slowly): read() as often as needed, then stop(). */
export class BotocoreReader {
  private child: ChildProcessWithoutNullStreams;
  private answers: Array<(line: string) => void> = [];
  constructor() {
    this.child = spawn(DEBIAN_PYTHON, ['-c', SCRIPT], { env: ENV });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.answers.shift()?.(line));
  }
  read(configPath: string, credentialsPath: string): Promise<BotocoreView> {
    return new Promise((resolve) => {
      this.answers.push((line) => resolve(JSON.parse(line) as BotocoreView));
      this.child.stdin.write(`${JSON.stringify({ config: configPath, credentials: credentialsPath })}\n`);
    });
  }
  stop(): void {
    this.child.stdin.end();
  }
}

/** What botocore reads from these two files (one Python run). */
export function botocoreRead(configPath: string, credentialsPath: string): BotocoreView {
  const out = spawnSync(DEBIAN_PYTHON, ['-c', SCRIPT], {
    encoding: 'utf8',
    env: ENV,
    input: `${JSON.stringify({ config: configPath, credentials: credentialsPath })}\n`,
  });
  if (out.status !== 0) throw new Error(`python3 botocore failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as BotocoreView;
}
