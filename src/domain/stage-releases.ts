// Releases, not executions. A release is a STANDARD execution's source revisions (with its build's
// outputs); a ROLLBACK execution redeploys an earlier release and is not a release of its own.
// This module turns a stage's execution history into its releases: which one is live, which came
// before, and each one's standing (bad, with why, or a candidate). Pure: every path that chooses
// a target (command, button, picker, group, offers, automatic rollback) reads it from here.
import type { BadReason, PipelineRelease, StageSnapshot, StoredStanding } from './releases.js';

export type { BadReason, StoredStanding } from './releases.js';

export interface ReleaseView {
  release: PipelineRelease;
  /** Empty: a candidate. Otherwise why it is bad, oldest first. */
  bad: BadReason[];
}

export interface StageReleases {
  /** The execution in the stage now: a release, a rollback of one, or one failing or running. */
  deployed: PipelineRelease;
  /** The release that is live (for a rollback execution, the release it redeployed). */
  current: PipelineRelease;
  /** Releases that succeeded in the stage, newest release first. Rollbacks are not among them. */
  releases: ReleaseView[];
}

/** The release an execution deploys: itself, or for a rollback, the release it went back to. */
export function releaseIdOf(
  e: Pick<PipelineRelease, 'executionId' | 'executionType' | 'rollbackTargetExecutionId'>,
): string {
  return e.executionType === 'ROLLBACK' && e.rollbackTargetExecutionId
    ? e.rollbackTargetExecutionId
    : e.executionId;
}

/** The execution that last succeeded in the stage, or the one running or failing there now. */
export function deployedExecution(snapshot: StageSnapshot): PipelineRelease | undefined {
  const latest = snapshot.latest;
  const newestSucceeded = snapshot.succeeded[0];
  if (latest && latest.executionId !== newestSucceeded?.executionId) {
    // The stage's latest execution counts when it is running or did not succeed there:
    // that is the release people want gone.
    if (!newestSucceeded || latest.startTime >= newestSucceeded.startTime) return latest;
  }
  return newestSucceeded ?? latest;
}

/** The release behind an execution, as the snapshot knows it (rollbacks resolved). */
function releaseFor(e: PipelineRelease, snapshot: StageSnapshot): PipelineRelease {
  if (e.executionType !== 'ROLLBACK') return e;
  const id = releaseIdOf(e);
  const known = [...snapshot.succeeded, ...(snapshot.recent ?? [])].find(
    (r) => r.executionId === id && r.executionType === 'STANDARD',
  );
  // Beyond the listing: the rollback reuses the release's revisions; its own time stands in.
  return (
    known ?? {
      ...e,
      executionId: id,
      executionType: 'STANDARD',
      status: 'Succeeded',
      triggerType: undefined,
      rollbackTargetExecutionId: undefined,
    }
  );
}

const byWho: Record<string, string> = {
  AutomatedRollback: 'rolled back by AWS automatically',
  ManualRollback: 'rolled back',
};

/**
 * Bad reasons AWS history shows by itself: a rollback execution that succeeded in the stage
 * replaced whatever release was deployed there before it (by time order). When the one before
 * already deployed the rollback's own target, the replaced one never succeeded in the stage (it
 * failed there), and is no candidate anyway.
 */
export function derivedBadReasons(snapshot: StageSnapshot): Map<string, BadReason[]> {
  const out = new Map<string, BadReason[]>();
  const inOrder = [...snapshot.succeeded].sort(
    (a, b) => b.startTime.getTime() - a.startTime.getTime(),
  );
  inOrder.forEach((e, i) => {
    if (e.executionType !== 'ROLLBACK') return;
    const before = inOrder[i + 1];
    if (!before) return;
    const replaced = releaseIdOf(before);
    if (replaced === releaseIdOf(e)) return;
    const reason: BadReason = {
      why: `${byWho[e.triggerType ?? ''] ?? 'rolled back'} (rollback ${e.executionId.slice(0, 8)})`,
      at: e.startTime.getTime(),
      by: e.triggerType === 'AutomatedRollback' ? 'aws' : 'rollback',
      key: `rollback:${e.executionId}`,
    };
    out.set(replaced, [...(out.get(replaced) ?? []), reason]);
  });
  return out;
}

/** The reasons that count: derived and stored (each event once), less those a later "mark good" undid. */
export function effectiveBadReasons(
  derived: readonly BadReason[],
  stored: StoredStanding | undefined,
): BadReason[] {
  const all = [...derived, ...(stored?.bad ?? [])].sort((a, b) => a.at - b.at);
  const goodAt = stored?.good?.at;
  const counted = goodAt === undefined ? all : all.filter((r) => r.at > goodAt);
  // One line per distinct reason.
  const seen = new Set<string>();
  return counted.filter((r) => {
    const key = r.key ?? r.why;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The stage's releases and the live one; undefined when nothing has run in the stage. */
export function stageReleases(snapshot: StageSnapshot): StageReleases | undefined {
  const deployed = deployedExecution(snapshot);
  if (!deployed) return undefined;
  const current = releaseFor(deployed, snapshot);
  const derived = derivedBadReasons(snapshot);
  const seen = new Set<string>();
  const releases: ReleaseView[] = [];
  for (const e of snapshot.succeeded) {
    if (e.executionType === 'ROLLBACK' || seen.has(e.executionId)) continue;
    seen.add(e.executionId);
    releases.push({
      release: e,
      bad: effectiveBadReasons(
        derived.get(e.executionId) ?? [],
        snapshot.standing?.get(e.executionId),
      ),
    });
  }
  releases.sort((a, b) => b.release.startTime.getTime() - a.release.startTime.getTime());
  return { deployed, current, releases };
}

/** The standing of the live release (it may be bad without having failed: an alarm, a mark). */
export function currentBadReasons(sr: StageReleases, snapshot: StageSnapshot): BadReason[] {
  const derived = derivedBadReasons(snapshot).get(sr.current.executionId) ?? [];
  return effectiveBadReasons(derived, snapshot.standing?.get(sr.current.executionId));
}

const RUNNING = new Set(['InProgress', 'Stopping']);

/**
 * A rollback to `targetExecutionId` already under way in a listing of the pipeline's executions
 * (newest first): one running, one newer than `baseline` (the newest execution just before we
 * called AWS: after a crash, that one is ours), or one started since the request was queued.
 */
export function rollbackUnderWay(
  recent: readonly PipelineRelease[],
  targetExecutionId: string,
  since: { baseline?: string; queuedAt?: number } = {},
): PipelineRelease | undefined {
  const baselineAt = since.baseline
    ? recent.findIndex((e) => e.executionId === since.baseline)
    : -1;
  return recent.find(
    (e, i) =>
      e.executionType === 'ROLLBACK' &&
      e.rollbackTargetExecutionId === targetExecutionId &&
      ((baselineAt >= 0 && i < baselineAt) ||
        RUNNING.has(e.status) ||
        (since.queuedAt !== undefined && e.startTime.getTime() >= since.queuedAt)),
  );
}
