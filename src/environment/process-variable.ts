/**
 * Runs `work` with `name` set to `value` in process.env, and puts back what was there when it ends, however it
 * ends. For the AWS SDK's providers that read a setting from process.env alone (the aws login token directory)
 * or start a program with it (credential_process): nothing else in tfmfa writes process.env.
 */
export async function withProcessVariable<T>(name: string, value: string, work: () => Promise<T>): Promise<T> {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}
