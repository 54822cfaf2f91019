// Releases for a picker: the last N that succeeded in a stage, each saying whether it is a
// valid rollback target and, if not, why.
import { currentRelease, whyNotTarget } from './choose-rollback-target.js';
import type { SourceRevision, StageSnapshot } from './releases.js';

export interface ReleaseChoice {
  executionId: string;
  startTime: Date;
  sourceRevisions: SourceRevision[];
  isCurrent: boolean;
  valid: boolean;
  /** Why it is not a valid target, in words. */
  reason?: string;
}

export function listReleaseChoices(snapshot: StageSnapshot, limit: number): ReleaseChoice[] {
  const current = currentRelease(snapshot);
  return snapshot.succeeded.slice(0, limit).map((r) => {
    const why = current ? whyNotTarget(r, current, snapshot, true) : undefined;
    return {
      executionId: r.executionId,
      startTime: r.startTime,
      sourceRevisions: r.sourceRevisions,
      isCurrent: r.executionId === current?.executionId,
      valid: current !== undefined && why === undefined,
      ...(why ? { reason: why.message } : {}),
    };
  });
}
