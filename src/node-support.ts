/**
 * The Node versions tfmfa supports: 22.15 and newer (process.execve, which lets `exec` and the shims replace
 * themselves with the command; the AWS SDK's own floor is 22 as well). Outside that, every entry point says
 * so in one line on stderr and goes on as well as it can, and the AWS SDK's own nine-line
 * NodeVersionSupportWarning is held back: the one line already says it.
 */
export const MINIMUM_NODE = { major: 22, minor: 15 } as const;

/** The one line for an unsupported Node, or null when `version` (e.g. '20.20.2') is supported. */
export function unsupportedNodeNotice(version: string): string | null {
  const [major = 0, minor = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10));
  const { major: needMajor, minor: needMinor } = MINIMUM_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return null;
  return (
    `tfmfa: Node ${version.replace(/^v/, '')} is not supported (tfmfa needs ` +
    `Node ${needMajor}.${needMinor} or newer): install Node 24 LTS and put it first on PATH`
  );
}

/** Says it once on stderr when the running Node is unsupported, and silences the SDK's warning about it. */
export function announceUnsupportedNode(version = process.versions.node): void {
  const notice = unsupportedNodeNotice(version);
  if (notice === null) return;
  process.stderr.write(`${notice}\n`);
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.startsWith('NodeVersionSupportWarning')) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}
