// Target choice for a CodePipeline stage: what is deployed now, and what to roll back to.
// The rules mirror what RollbackStage itself accepts, so a refusal here saves a failed job.
import {
  type PipelineRelease,
  revisionKey,
  type StageSnapshot,
  shortRevision,
} from './releases.js';
import { refuse, type TargetRefusal } from './target-refusal.js';

export interface StageTargetChoice {
  ok: true;
  current: PipelineRelease;
  target: PipelineRelease;
  /** True when the target was chosen by rule rather than named by the person. */
  byDefault: boolean;
}

/** The execution that last succeeded in the stage, or the one running or failing there now. */
export function currentRelease(snapshot: StageSnapshot): PipelineRelease | undefined {
  const latest = snapshot.latest;
  const newestSucceeded = snapshot.succeeded[0];
  if (latest && latest.executionId !== newestSucceeded?.executionId) {
    // The stage's latest execution counts when it is running or did not succeed there:
    // that is the release people want gone.
    if (!newestSucceeded || latest.startTime >= newestSucceeded.startTime) return latest;
  }
  return newestSucceeded ?? latest;
}

/**
 * Why `candidate` cannot be the target, or undefined when it can. `inStage` says whether it is
 * known to have succeeded in the stage (it came from the succeeded-in-stage listing).
 */
export function whyNotTarget(
  candidate: PipelineRelease,
  current: PipelineRelease,
  snapshot: StageSnapshot,
  inStage: boolean,
): TargetRefusal | undefined {
  const id = candidate.executionId;
  if (id === current.executionId) {
    return refuse('is-current', `Execution ${id} is what is deployed in ${snapshot.stage} now.`);
  }
  if (!inStage) {
    return refuse(
      'not-succeeded-in-stage',
      `Execution ${id} never succeeded in ${snapshot.stage}, so there is nothing to go back to.`,
    );
  }
  if (candidate.executionType === 'ROLLBACK') {
    const of = candidate.rollbackTargetExecutionId;
    return refuse(
      'is-rollback',
      `Execution ${id} is itself a rollback${of ? ` (to ${of})` : ''}; AWS cannot roll back to a rollback.${of ? ` Choose ${of} instead.` : ''}`,
    );
  }
  if (
    candidate.pipelineVersion !== undefined &&
    candidate.pipelineVersion !== snapshot.pipelineVersion
  ) {
    return refuse(
      'other-pipeline-version',
      `Execution ${id} ran on pipeline version ${candidate.pipelineVersion}, but ${snapshot.pipeline} is now at version ${snapshot.pipelineVersion}; AWS only rolls back to executions of the current pipeline structure.`,
    );
  }
  if (candidate.startTime > current.startTime) {
    return refuse(
      'not-earlier',
      `Execution ${id} started after the current release ${current.executionId}; a rollback goes to an earlier release.`,
    );
  }
  if (revisionKey(candidate) === revisionKey(current)) {
    const rev = candidate.sourceRevisions[0];
    return refuse(
      'same-revision',
      `Execution ${id} deploys the same source revision${rev ? ` (${shortRevision(rev.revisionId)})` : ''} as the current release, so rolling back to it changes nothing.`,
    );
  }
  return undefined;
}

function sourceStageRefusal(snapshot: StageSnapshot): TargetRefusal | undefined {
  if (snapshot.stageNames[0] === snapshot.stage) {
    return refuse(
      'source-stage',
      `${snapshot.stage} is the source stage of ${snapshot.pipeline}; AWS cannot roll back a source stage.`,
    );
  }
  return undefined;
}

/** The default target: the newest earlier release that passes every rule. */
export function chooseDefaultTarget(snapshot: StageSnapshot): StageTargetChoice | TargetRefusal {
  const src = sourceStageRefusal(snapshot);
  if (src) return src;
  const current = currentRelease(snapshot);
  if (!current) {
    return refuse(
      'no-current-release',
      `Nothing has run in ${snapshot.pipeline} / ${snapshot.stage} yet, so there is nothing to roll back.`,
    );
  }
  for (const candidate of snapshot.succeeded) {
    if (!whyNotTarget(candidate, current, snapshot, true)) {
      return { ok: true, current, target: candidate, byDefault: true };
    }
  }
  return refuse(
    'no-earlier-release',
    `No earlier release of ${snapshot.pipeline} succeeded in ${snapshot.stage} with a different source revision on the current pipeline version. Name one with "to <execution id or commit>".`,
  );
}

const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A commit prefix must be long enough not to match by accident. */
const MIN_SHA_PREFIX = 6;

/** An explicitly named target: a pipeline execution id, or a source revision (commit) prefix. */
export function chooseNamedTarget(
  snapshot: StageSnapshot,
  to: string,
): StageTargetChoice | TargetRefusal {
  const src = sourceStageRefusal(snapshot);
  if (src) return src;
  const current = currentRelease(snapshot);
  if (!current) {
    return refuse(
      'no-current-release',
      `Nothing has run in ${snapshot.pipeline} / ${snapshot.stage} yet, so there is nothing to roll back.`,
    );
  }
  const wanted = to.trim();
  if (EXECUTION_ID.test(wanted)) {
    const inList = snapshot.succeeded.find(
      (r) => r.executionId.toLowerCase() === wanted.toLowerCase(),
    );
    const found =
      inList ??
      (snapshot.named?.executionId.toLowerCase() === wanted.toLowerCase()
        ? snapshot.named
        : undefined) ??
      (current.executionId.toLowerCase() === wanted.toLowerCase() ? current : undefined);
    if (!found) {
      return refuse('not-found', `No execution ${wanted} was found in ${snapshot.pipeline}.`);
    }
    const why = whyNotTarget(found, current, snapshot, inList !== undefined);
    return why ?? { ok: true, current, target: found, byDefault: false };
  }
  if (wanted.length < MIN_SHA_PREFIX || !/^[0-9a-z._-]+$/i.test(wanted)) {
    return refuse(
      'not-found',
      `"${wanted}" is neither an execution id nor a commit prefix of at least ${MIN_SHA_PREFIX} characters.`,
    );
  }
  const prefix = wanted.toLowerCase();
  const matches = snapshot.succeeded.filter((r) =>
    r.sourceRevisions.some((s) => s.revisionId.toLowerCase().startsWith(prefix)),
  );
  if (matches.length === 0) {
    return refuse(
      'not-found',
      `No release that succeeded in ${snapshot.stage} has a source revision starting with ${wanted}.`,
    );
  }
  const distinct = new Set(
    matches.flatMap((r) =>
      r.sourceRevisions
        .filter((s) => s.revisionId.toLowerCase().startsWith(prefix))
        .map((s) => s.revisionId),
    ),
  );
  if (distinct.size > 1) {
    return refuse(
      'ambiguous',
      `${wanted} matches several revisions (${[...distinct].map(shortRevision).join(', ')}); give more characters.`,
    );
  }
  // Re-runs of one commit are common: take the newest run that is a valid target.
  let firstRefusal: TargetRefusal | undefined;
  for (const candidate of matches) {
    const why = whyNotTarget(candidate, current, snapshot, true);
    if (!why) return { ok: true, current, target: candidate, byDefault: false };
    firstRefusal ??= why;
  }
  return firstRefusal!;
}

export function chooseStageTarget(
  snapshot: StageSnapshot,
  to?: string,
): StageTargetChoice | TargetRefusal {
  return to ? chooseNamedTarget(snapshot, to) : chooseDefaultTarget(snapshot);
}
