// What a rollback changes: source revisions per action, artifacts and variables that differ
// between the current release and the target.
import { compareUrl } from './compare-url.js';
import { diffLibraries, isDependencyVariable, type LibraryChanges } from './library-diff.js';
import type { SourceRevision } from './releases.js';

export interface ArtifactRevision {
  name: string;
  revisionId?: string;
  summary?: string;
  url?: string;
}

export interface ReleaseDetail {
  executionId: string;
  sourceRevisions: SourceRevision[];
  artifactRevisions: ArtifactRevision[];
  variables: Record<string, string>;
}

export interface SourceChange {
  actionName: string;
  current?: SourceRevision;
  target?: SourceRevision;
  /** The commits the rollback takes away: target (older) … current (newer). */
  compareUrl?: string;
}

export interface ValueChange {
  name: string;
  current?: string;
  target?: string;
}

export interface ReleaseDiff {
  sources: SourceChange[];
  artifacts: ValueChange[];
  variables: ValueChange[];
  /** Library versions, when the builds export DEPENDENCIES (see library-diff.ts). */
  libraries?: LibraryChanges;
  /** True when nothing above differs (then the rollback would change nothing we can see). */
  same: boolean;
}

function byName<T>(items: T[], key: (t: T) => string): Map<string, T> {
  return new Map(items.map((i) => [key(i), i]));
}

function unionKeys(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

export function diffReleases(current: ReleaseDetail, target: ReleaseDetail): ReleaseDiff {
  const cs = byName(current.sourceRevisions, (s) => s.actionName);
  const ts = byName(target.sourceRevisions, (s) => s.actionName);
  const sources: SourceChange[] = [];
  for (const name of unionKeys(cs.keys(), ts.keys())) {
    const c = cs.get(name);
    const t = ts.get(name);
    if (c?.revisionId === t?.revisionId) continue;
    const url = c && t ? compareUrl(t, c) : undefined;
    sources.push({
      actionName: name,
      ...(c ? { current: c } : {}),
      ...(t ? { target: t } : {}),
      ...(url ? { compareUrl: url } : {}),
    });
  }
  const ca = byName(current.artifactRevisions, (a) => a.name);
  const ta = byName(target.artifactRevisions, (a) => a.name);
  const artifacts: ValueChange[] = [];
  for (const name of unionKeys(ca.keys(), ta.keys())) {
    const c = ca.get(name)?.revisionId;
    const t = ta.get(name)?.revisionId;
    if (c !== t) artifacts.push(change(name, c, t));
  }
  const variables: ValueChange[] = [];
  for (const name of unionKeys(Object.keys(current.variables), Object.keys(target.variables))) {
    if (isDependencyVariable(name)) continue;
    const c = current.variables[name];
    const t = target.variables[name];
    if (c !== t) variables.push(change(name, c, t));
  }
  const libraries = diffLibraries(current.variables, target.variables);
  const librariesChange =
    libraries !== undefined &&
    libraries.added.length + libraries.removed.length + libraries.changed.length > 0;
  return {
    sources,
    artifacts,
    variables,
    ...(librariesChange ? { libraries } : {}),
    same:
      sources.length === 0 && artifacts.length === 0 && variables.length === 0 && !librariesChange,
  };
}

function change(
  name: string,
  current: string | undefined,
  target: string | undefined,
): ValueChange {
  return {
    name,
    ...(current !== undefined ? { current } : {}),
    ...(target !== undefined ? { target } : {}),
  };
}
