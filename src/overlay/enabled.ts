/** `TFMFA_OVERLAY=0` (or exec's `--no-overlay`) turns the config overlay off. */
export function overlayEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.TFMFA_OVERLAY !== '0';
}
