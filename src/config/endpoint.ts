import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import type { AwsFiles } from './files.ts';

/**
 * The STS endpoint a profile configures, with the SDKs' precedence: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
 * the profile's `services` section (`sts = \n  endpoint_url = …`), the profile's `endpoint_url`; none of them
 * when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls is true. Undefined means the SDK's
 * default (regional) endpoint. The SDK reads the file settings only for AWS_PROFILE's profile, so tfmfa
 * resolves them for the profile it is working on and passes the result to the client.
 */
export function stsEndpoint(files: AwsFiles, profile: string, settings: Settings): string | undefined {
  return serviceEndpoint(files, profile, settings, 'sts');
}

/**
 * The same rule for any service (`signin` for `aws login` sessions): AWS_ENDPOINT_URL_<SERVICE>,
 * `<service>.endpoint_url`.
 */
export function serviceEndpoint(
  files: AwsFiles,
  profile: string,
  settings: Settings,
  service: 'sts' | 'signin',
): string | undefined {
  const section = files.profiles.get(profile) ?? {};
  const ignore =
    (settings.awsIgnoreConfiguredEndpointUrls ?? section.ignore_configured_endpoint_urls ?? '').toLowerCase() ===
    'true';
  if (ignore) return undefined;
  const fromEnv = settings.otherVariable(`AWS_ENDPOINT_URL_${service.toUpperCase()}`) || settings.awsEndpointUrl;
  if (fromEnv) return fromEnv;
  if (section.services) {
    const services = files.services.get(section.services);
    if (!services)
      throw new UserError(
        `profile '${profile}' names services = ${section.services}, but there is no ` +
          `[services ${section.services}] section in ${files.configPath}`,
        2,
      );
    const url = services[`${service}.endpoint_url`];
    if (url) return url;
  }
  return section.endpoint_url || undefined;
}

/** The endpoint the SDK uses when none is configured: the regional one. */
export function defaultStsEndpoint(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sts.${region}.${suffix}`;
}
