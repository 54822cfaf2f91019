// Releases for a picker: the last N releases that succeeded in a stage (rollback executions are
// not releases), each saying whether it is a valid rollback target and, if not, why. Bad releases
// come last, each with why: choosing one needs approval.
import { whyNotTarget } from './choose-rollback-target.js';
import type { SourceRevision, StageSnapshot } from './releases.js';
import { stageReleases } from './stage-releases.js';

export interface ReleaseChoice {
  executionId: string;
  startTime: Date;
  sourceRevisions: SourceRevision[];
  isCurrent: boolean;
  valid: boolean;
  /** Why it is not a valid target, in words. */
  reason?: string;
  /** Why it is bad in this stage (still a valid target, with approval). */
  bad?: string[];
  /** The release the bot would choose by default. */
  isDefault?: boolean;
}

export function listReleaseChoices(snapshot: StageSnapshot, limit: number): ReleaseChoice[] {
  const sr = stageReleases(snapshot);
  if (!sr) return [];
  const choices = sr.releases.slice(0, limit).map((v): ReleaseChoice => {
    const r = v.release;
    const why = whyNotTarget(r, sr.current, snapshot, true);
    return {
      executionId: r.executionId,
      startTime: r.startTime,
      sourceRevisions: r.sourceRevisions,
      isCurrent: r.executionId === sr.current.executionId,
      valid: why === undefined,
      ...(why ? { reason: why.message } : {}),
      ...(v.bad.length > 0 ? { bad: v.bad.map((b) => b.why) } : {}),
    };
  });
  const first = choices.find((c) => c.valid && !c.bad);
  if (first) first.isDefault = true;
  // The live one, candidates (newest first), then bad ones, then those that cannot be chosen.
  const rank = (c: ReleaseChoice) => (c.isCurrent ? -1 : !c.valid ? 2 : c.bad ? 1 : 0);
  return choices
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c);
}
