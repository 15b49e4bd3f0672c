/** What a child's environment gets: variables to set and variables to remove (changes.ts says which). */
export interface EnvironmentChanges {
  set: Record<string, string>;
  unset: string[];
}
