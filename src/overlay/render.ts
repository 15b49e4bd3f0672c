import { SECRET_KEYS } from '../config/kinds/static-keys.ts';
import type { AwsFiles, ProfileSection } from '../config/files.ts';
import { configNameProblem, credentialsNameProblem, keyProblem, keyValueLine, valueProblem } from './ini-safety.ts';

/**
 * Renders the overlay's two files from the parsed sections (never by filtering the user's lines): each profile
 * once, with the settings the JS SDK read, minus the keys it must not hold, plus tfmfa's credential_process
 * line. Every line passes ini-safety's checks; a profile that cannot be written that way is left out (and
 * reported in `omitted` with the reason) rather than written in a way some SDK would misread.
 */
export interface ProfilePlan {
  /** Keys left out (matched on every dot-separated part of a key: the sub-section's name and the sub-key). */
  drop: ReadonlySet<string>;
  /** The credential_process line's value, for a profile handed to tfmfa. */
  credentialProcess?: string;
  /** Why the profile cannot be written at all (its name cannot stand on a command line). */
  problem?: string;
  /** Keys the user wrote with an empty value (see empty-keys.ts). */
  empty?: ReadonlySet<string>;
}

export interface RenderedOverlay {
  configText: string;
  credentialsText: string;
  /** Profiles left out of the overlay, with why. */
  omitted: Map<string, string>;
}

/** keyProblem, remembered: the same few key names recur in every profile. */
const keyVerdicts = new Map<string, string | null>();
function checkedKey(key: string): string | null {
  let verdict = keyVerdicts.get(key);
  if (verdict === undefined) {
    verdict = keyProblem(key);
    if (keyVerdicts.size < 10_000) keyVerdicts.set(key, verdict);
  }
  return verdict;
}

/** The lines of a section's body, or what makes it impossible to write. */
function body(values: ProfileSection, plan: ProfilePlan): string[] | string {
  const plain: Array<[string, string]> = [];
  const subSections = new Map<string, Array<[string, string]>>();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const dot = key.indexOf('.');
    // Dropped by its name or by any part of it (`s3.aws_secret_access_key` is still key material).
    if (dot < 0 ? plan.drop.has(key) : key.split('.').some((part) => plan.drop.has(part))) continue;
    const problem = checkedKey(key) ?? valueProblem(key, value);
    if (problem) return problem;
    if (dot < 0) {
      plain.push([key, value]);
      continue;
    }
    const top = key.slice(0, dot);
    const children = subSections.get(top);
    if (children) children.push([key.slice(dot + 1), value]);
    else subSections.set(top, [[key.slice(dot + 1), value]]);
  }
  if (plan.credentialProcess !== undefined) plain.unshift(['credential_process', plan.credentialProcess]);
  const empty = plan.empty?.size
    ? [...plan.empty].filter(
        (key) =>
          !plan.drop.has(key) &&
          values[key] === undefined &&
          !subSections.has(key) &&
          checkedKey(key) === null &&
          !key.includes('.'),
      )
    : [];
  // botocore lowercases keys and rejects a file that repeats one (a key and a sub-section of that name too).
  const seen = new Set<string>();
  for (const key of [...plain.map(([k]) => k), ...empty, ...subSections.keys()]) {
    if (seen.has(key.toLowerCase())) return `the key '${key}' is repeated (botocore reads keys without case)`;
    seen.add(key.toLowerCase());
  }
  for (const [top, children] of subSections) {
    const childKeys = new Set<string>();
    for (const [child] of children) {
      if (childKeys.has(child.toLowerCase()))
        return `the key '${top}.${child}' is repeated (the Go SDK reads keys without case)`;
      childKeys.add(child.toLowerCase());
    }
  }
  // Plain keys first: a sub-section's indented lines must follow its own `name =` line and nothing else.
  return [
    ...plain.map(([key, value]) => keyValueLine(key, value)),
    ...empty.map((key) => `${key} =`),
    ...[...subSections].flatMap(([top, children]) => [
      `${top} =`,
      ...children.map(([key, value]) => keyValueLine(key, value, '  ')),
    ]),
  ];
}

function section(header: string, lines: string[]): string {
  return `${header}\n${lines.map((line) => `${line}\n`).join('')}\n`;
}

/** `emptyFor(section)`: the empty keys of a profile (by name) or of `sso-session.x` / `services.x`. */
export function renderSections(
  files: AwsFiles,
  planFor: (name: string) => ProfilePlan,
  emptyFor: (section: string) => ReadonlySet<string> | undefined = () => undefined,
): RenderedOverlay {
  const omitted = new Map<string, string>();
  const config: string[] = [
    '# tfmfa config overlay: generated from your AWS files, regenerated when they change; do not edit\n\n',
  ];
  const credentials: string[] = [];
  for (const [name, values] of files.profiles) {
    // A profile known only from tfmfa's key index (`tfmfa add` writes an empty [profile x], which the SDK's
    // parse drops) belongs to the config overlay too: that is where every SDK reads credential_process.
    const inConfig = files.configProfileNames.has(name) || !files.credentialsSections.has(name);
    const nameProblem = inConfig ? configNameProblem(name) : credentialsNameProblem(name);
    const plan = { ...planFor(name), empty: emptyFor(name) };
    const lines = nameProblem ?? plan.problem ?? body(values, plan);
    if (typeof lines === 'string') {
      omitted.set(name, lines);
      continue;
    }
    if (inConfig) config.push(section(name === 'default' ? '[default]' : `[profile ${name}]`, lines));
    else credentials.push(section(`[${name}]`, lines));
  }
  // sso-session and services sections, as read (a profile that is not rewritten may need them), key material aside.
  const keyMaterial = new Set<string>(SECRET_KEYS);
  for (const [type, sections] of [
    ['sso-session', files.ssoSessions],
    ['services', files.services],
  ] as const) {
    for (const [name, values] of sections) {
      const lines = configNameProblem(name) ?? body(values, { drop: keyMaterial, empty: emptyFor(`${type}.${name}`) });
      if (typeof lines === 'string') omitted.set(`${type} ${name}`, lines);
      else config.push(section(`[${type} ${name}]`, lines));
    }
  }
  return { configText: config.join(''), credentialsText: credentials.join(''), omitted };
}
