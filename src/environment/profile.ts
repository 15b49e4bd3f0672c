/** The profile a shim uses: AWS_PROFILE, else AWS_DEFAULT_PROFILE, else TFMFA_DEFAULT_PROFILE, else `default`. */
export function shimProfile(env: NodeJS.ProcessEnv): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || env.TFMFA_DEFAULT_PROFILE || 'default';
}
