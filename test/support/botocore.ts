import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's python3-botocore, run as a real second parser of AWS files (the AWS CLI's own reader). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export function hasBotocore(): boolean {
  return existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', 'import botocore.session'], { stdio: 'ignore' }).status === 0;
}

export interface BotocoreView {
  /** Every profile as botocore reads it (config and credentials files merged), or the parse error. */
  profiles: Record<string, Record<string, unknown>>;
  /** credential_process of each profile that has one, split as botocore's process provider splits it. */
  argv: Record<string, string[]>;
  error?: string;
}

const SCRIPT = `
import json, sys, botocore.session
from botocore.compat import compat_shell_split
try:
    profiles = botocore.session.get_session().full_config['profiles']
except Exception as e:
    print(json.dumps({'profiles': {}, 'argv': {}, 'error': type(e).__name__ + ': ' + str(e)}))
    sys.exit(0)
argv = {}
for name, values in profiles.items():
    command = values.get('credential_process')
    if isinstance(command, str):
        try:
            argv[name] = compat_shell_split(command)
        except ValueError as e:
            argv[name] = ['<unsplittable: ' + str(e) + '>']
print(json.dumps({'profiles': profiles, 'argv': argv}))
`;

/** What botocore reads from these two files. */
export function botocoreRead(configPath: string, credentialsPath: string): BotocoreView {
  const out = spawnSync(DEBIAN_PYTHON, ['-c', SCRIPT], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: '/nonexistent', AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath },
  });
  if (out.status !== 0) throw new Error(`python3 botocore failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as BotocoreView;
}
