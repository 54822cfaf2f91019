// Library versions a rollback changes (AWS's rollback guidance asks for them).
// Convention: a build exports an output variable named DEPENDENCIES (any action, e.g.
// `Build.DEPENDENCIES`) listing `name@version` entries separated by commas, spaces or newlines:
//   express@4.19.2,pg@8.11.3,@aws-sdk/client-s3@3.600.0
// Scoped names keep their leading @; the version is after the last @.

export interface LibraryChanges {
  added: Array<{ name: string; version: string }>;
  removed: Array<{ name: string; version: string }>;
  changed: Array<{ name: string; from: string; to: string }>;
}

export const DEPENDENCIES_VARIABLE = 'DEPENDENCIES';

export function isDependencyVariable(name: string): boolean {
  return name === DEPENDENCIES_VARIABLE || name.endsWith(`.${DEPENDENCIES_VARIABLE}`);
}

export function parseDependencies(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of text.split(/[\s,;]+/)) {
    const at = entry.lastIndexOf('@');
    if (at <= 0 || at === entry.length - 1) continue;
    out.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return out;
}

function collect(variables: Record<string, string>): Map<string, string> {
  const all = new Map<string, string>();
  for (const [name, value] of Object.entries(variables)) {
    if (isDependencyVariable(name)) for (const [k, v] of parseDependencies(value)) all.set(k, v);
  }
  return all;
}

/** What changes going from `current` to `target` (the rollback's direction). */
export function diffLibraries(
  current: Record<string, string>,
  target: Record<string, string>,
): LibraryChanges | undefined {
  const now = collect(current);
  const then = collect(target);
  if (now.size === 0 && then.size === 0) return undefined;
  const changes: LibraryChanges = { added: [], removed: [], changed: [] };
  for (const [name, version] of then) {
    const cur = now.get(name);
    if (cur === undefined) changes.added.push({ name, version });
    else if (cur !== version) changes.changed.push({ name, from: cur, to: version });
  }
  for (const [name, version] of now) if (!then.has(name)) changes.removed.push({ name, version });
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  changes.added.sort(byName);
  changes.removed.sort(byName);
  changes.changed.sort(byName);
  return changes;
}
