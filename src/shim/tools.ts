/** The tools tfmfa installs shims for by default, and doctor checks. */
export const SHIM_TOOLS = ['terraform', 'terragrunt', 'aws', 'tofu'] as const;

/** Names a shim can stand for: a plain file name (terraform, aws, packer, tofu, ...), never a path. */
export const TOOL_NAME = /^[A-Za-z0-9._+-]+$/;

export function isToolName(name: string): boolean {
  return TOOL_NAME.test(name) && name !== '.' && name !== '..';
}
