#!/usr/bin/env node
import { basename } from 'node:path';
import { announceUnsupportedNode } from './node-support.ts';
import { debugEnabled } from './debug.ts';
import { runShim } from './shim/run.ts';
import { withdrawSecrets } from './environment/variables.ts';
import { readSettings } from './environment/settings.ts';

/**
 * The single entry point. Invoked as `tfmfa` (or as this file): command mode. Invoked through a symlink with
 * any other name (terraform, aws, terragrunt, tofu, ...): shim mode for that tool. Only what the chosen mode
 * needs is imported, so the shim's hot path stays light. The bundle (scripts/bundle.ts) puts this file and the
 * shim's marker and pass-through paths (./shim/run.ts) in dist/cli.js; every other path is a lazily loaded chunk.
 */
const COMMAND_NAMES = new Set(['tfmfa', 'cli.js', 'cli.ts', 'tfmfa.js']);

async function main(): Promise<number> {
  announceUnsupportedNode();
  // Before anything can start a program that inherits process.env (the AWS SDK's credential_process does).
  withdrawSecrets();
  // The environment read once (each field parsed when first used), then passed down.
  const settings = readSettings();
  const invokedAs = basename(process.argv[1] ?? 'tfmfa');
  const args = process.argv.slice(2);
  try {
    if (COMMAND_NAMES.has(invokedAs) && args[0] === '__shim') {
      // The shell launcher's fallback: `cli.js __shim TOOL ARGS...` behaves exactly as a shim named TOOL.
      return await runShim(args[1] ?? '', args.slice(2), settings);
    }
    if (COMMAND_NAMES.has(invokedAs)) {
      const { runCommand } = await import('./commands/index.ts');
      return await runCommand(args, settings);
    }
    return await runShim(invokedAs, args, settings);
  } catch (error) {
    const { reportError } = await import('./errors.ts');
    if (debugEnabled && error instanceof Error && error.stack) {
      // The stack TFMFA_DEBUG shows points at src/, through the bundle's source maps.
      const { sourceMappedStack } = await import('./output/source-mapped-stack.ts');
      error.stack = sourceMappedStack(error.stack);
    }
    return reportError(error, debugEnabled);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tfmfa: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
