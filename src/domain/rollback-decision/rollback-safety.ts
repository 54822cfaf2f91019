// Releases that are unsafe to roll back across (a schema migration, a one-way data change).
// The convention is in README.md beside this file: a variable ROLLBACK_UNSAFE with a non-empty
// value, or the marker [rollback-unsafe] in a source revision's summary.

/** The variable a build sets (pipeline-level, or exported by an action under a namespace). */
export const UNSAFE_VARIABLE = 'ROLLBACK_UNSAFE';
/** The marker in a commit message (source revision summary), matched without regard to case. */
export const UNSAFE_MARKER = '[rollback-unsafe]';

/** Values that mean "not unsafe", for pipelines that must give the variable a default. */
const NOT_SET = new Set(['', 'false', '0', 'no', 'none', '-']);

/** What this module reads of a release; `ReleaseDetail` from release-diff.ts fits as is. */
export interface ReleaseSafetyFacts {
  executionId: string;
  /**
   * Variables by name: pipeline-level ones as `NAME`, action output variables as
   * `Namespace.NAME` (ListActionExecutions outputVariables under the action's namespace).
   */
  variables?: Readonly<Record<string, string>>;
  sourceRevisions: ReadonlyArray<{
    actionName: string;
    revisionId: string;
    /** First line of the revision summary. */
    message?: string;
    /** The whole revision summary, when the caller kept it. */
    summary?: string;
  }>;
}

export interface UnsafeRelease {
  executionId: string;
  /** Each in words, e.g. `ROLLBACK_UNSAFE is "schema migration 0042"`. Outside text: escape it. */
  reasons: string[];
}

function isUnsafeVariable(name: string): boolean {
  return name === UNSAFE_VARIABLE || name.endsWith(`.${UNSAFE_VARIABLE}`);
}

/** Why `release` is unsafe to roll back across; empty when it is not. */
export function whyUnsafe(release: ReleaseSafetyFacts): string[] {
  const reasons: string[] = [];
  for (const [name, value] of Object.entries(release.variables ?? {})) {
    const v = value.trim();
    if (isUnsafeVariable(name) && !NOT_SET.has(v.toLowerCase())) {
      reasons.push(`${name} is "${v}"`);
    }
  }
  for (const rev of release.sourceRevisions) {
    const text = [rev.message, rev.summary].filter(Boolean).join('\n').toLowerCase();
    if (text.includes(UNSAFE_MARKER)) {
      const what = rev.message?.trim() || rev.summary?.split(/\r?\n/)[0]?.trim() || '';
      const id = /^[0-9a-f]{12,}$/i.test(rev.revisionId)
        ? rev.revisionId.slice(0, 7)
        : rev.revisionId;
      reasons.push(`${rev.actionName} revision ${id} is marked ${UNSAFE_MARKER}: ${what}`);
    }
  }
  return reasons;
}

/**
 * The unsafe releases a rollback from `current` back to `target` would undo: `current` itself
 * and every release between (in any order). The target stays deployed, so it is never crossed.
 * Each release is listed once, current first, then in the order given.
 */
export function unsafeReleasesCrossed(
  current: ReleaseSafetyFacts,
  target: ReleaseSafetyFacts,
  releasesBetween: readonly ReleaseSafetyFacts[],
): UnsafeRelease[] {
  const seen = new Set<string>([target.executionId]);
  const crossed: UnsafeRelease[] = [];
  for (const release of [current, ...releasesBetween]) {
    if (seen.has(release.executionId)) continue;
    seen.add(release.executionId);
    const reasons = whyUnsafe(release);
    if (reasons.length > 0) crossed.push({ executionId: release.executionId, reasons });
  }
  return crossed;
}
