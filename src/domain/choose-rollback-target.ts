// Target choice for a CodePipeline stage: what is live now, and which release to go back to.
// Works on releases (domain/stage-releases.ts): a rollback execution redeploys a release and is
// never a target of its own. The rules mirror what RollbackStage itself accepts, so a refusal here
// saves a failed job; a bad release is never the default, and choosing one is flagged.
import {
  type BadReason,
  type FoundRelease,
  type PipelineRelease,
  revisionKey,
  type StageSnapshot,
  shortRevision,
} from './releases.js';
import {
  currentBadReasons,
  releaseIdOf,
  type StageReleases,
  stageReleases,
} from './stage-releases.js';
import { refuse, type TargetRefusal } from './target-refusal.js';

export interface StageTargetChoice {
  ok: true;
  /** The live release (for a stage last deployed by a rollback, the release it redeployed). */
  current: PipelineRelease;
  /** The execution in the stage now (a release, a rollback execution, or one failing there). */
  deployed: PipelineRelease;
  target: PipelineRelease;
  /** True when the target was chosen by rule rather than named by the person. */
  byDefault: boolean;
  /** Set when the target is bad in this stage: why. Choosing it needs approval. */
  targetBad?: BadReason[];
  /** Older than the release the bot would choose by default ("the previous release"). */
  olderThanPrevious: boolean;
  /** The live release is bad too (an alarm, a mark): why. */
  currentBad: BadReason[];
}

/**
 * Why `candidate` (a release) cannot be the target, or undefined when it can. `inStage` says
 * whether it is known to have succeeded in the stage (it came from the succeeded-in-stage listing).
 */
export function whyNotTarget(
  candidate: PipelineRelease,
  current: PipelineRelease,
  snapshot: StageSnapshot,
  inStage: boolean,
): TargetRefusal | undefined {
  const id = candidate.executionId;
  if (candidate.executionType === 'ROLLBACK') {
    const of = candidate.rollbackTargetExecutionId;
    return refuse(
      'is-rollback',
      `Execution ${id} is a rollback${of ? ` to ${of}` : ''}, not a release of its own.${of ? ` Choose ${of} instead.` : ''}`,
    );
  }
  if (id === current.executionId) {
    return refuse('is-current', `Release ${id} is what is live in ${snapshot.stage} now.`);
  }
  if (!inStage) {
    return refuse(
      'not-succeeded-in-stage',
      `Execution ${id} never succeeded in ${snapshot.stage}, so there is nothing to go back to.`,
    );
  }
  if (
    candidate.pipelineVersion !== undefined &&
    candidate.pipelineVersion !== snapshot.pipelineVersion
  ) {
    return refuse(
      'other-pipeline-version',
      `Release ${id} ran on pipeline version ${candidate.pipelineVersion}, but ${snapshot.pipeline} is now at version ${snapshot.pipelineVersion}; AWS only rolls back to executions of the current pipeline structure.`,
    );
  }
  if (candidate.startTime > current.startTime) {
    return refuse(
      'not-earlier',
      `Release ${id} is newer than the live release ${current.executionId}; a rollback goes to an earlier release.`,
    );
  }
  if (revisionKey(candidate) === revisionKey(current)) {
    const rev = candidate.sourceRevisions[0];
    return refuse(
      'same-revision',
      `Release ${id} deploys the same source revision${rev ? ` (${shortRevision(rev.revisionId)})` : ''} as the live release, so rolling back to it changes nothing.`,
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

function nothingRan(snapshot: StageSnapshot): TargetRefusal {
  return refuse(
    'no-current-release',
    `Nothing has run in ${snapshot.pipeline} / ${snapshot.stage} yet, so there is nothing to roll back.`,
  );
}

/** The release the bot goes back to unless told otherwise: the newest valid one that is not bad. */
function defaultOf(sr: StageReleases, snapshot: StageSnapshot): PipelineRelease | undefined {
  return sr.releases.find(
    (v) => v.bad.length === 0 && !whyNotTarget(v.release, sr.current, snapshot, true),
  )?.release;
}

function chosen(
  sr: StageReleases,
  snapshot: StageSnapshot,
  target: PipelineRelease,
  byDefault: boolean,
): StageTargetChoice {
  const view = sr.releases.find((v) => v.release.executionId === target.executionId);
  const previous = defaultOf(sr, snapshot);
  return {
    ok: true,
    current: sr.current,
    deployed: sr.deployed,
    target,
    byDefault,
    ...(view && view.bad.length > 0 ? { targetBad: view.bad } : {}),
    olderThanPrevious: previous !== undefined && target.startTime < previous.startTime,
    currentBad: currentBadReasons(sr, snapshot),
  };
}

function withLive(sr: StageReleases, snapshot: StageSnapshot, r: TargetRefusal): TargetRefusal {
  return { ...r, live: { release: sr.current, bad: currentBadReasons(sr, snapshot) } };
}

/** The default target: the newest earlier release that is not bad and passes every rule. */
export function chooseDefaultTarget(snapshot: StageSnapshot): StageTargetChoice | TargetRefusal {
  const src = sourceStageRefusal(snapshot);
  if (src) return src;
  const sr = stageReleases(snapshot);
  if (!sr) return nothingRan(snapshot);
  const target = defaultOf(sr, snapshot);
  if (target) return chosen(sr, snapshot, target, true);
  const bad = sr.releases.filter(
    (v) => v.bad.length > 0 && !whyNotTarget(v.release, sr.current, snapshot, true),
  );
  return withLive(
    sr,
    snapshot,
    refuse(
      'no-earlier-release',
      `No earlier release of ${snapshot.pipeline} that is not bad succeeded in ${snapshot.stage} with a different source revision on the current pipeline version.${bad.length > 0 ? ` ${bad.length} earlier release${bad.length > 1 ? 's are' : ' is'} marked bad: choose one by name ("to <commit>") if you are sure; it needs approval.` : ' Name one with "to <execution id or commit>".'}`,
    ),
  );
}

const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A commit prefix must be long enough not to match by accident. */
const MIN_SHA_PREFIX = 6;
/** The bot shows execution ids by their first 8 characters: that much names one. */
const MIN_EXECUTION_PREFIX = 8;

/**
 * An explicitly named target: a pipeline execution id (whole, or the prefix the bot shows), or a
 * source revision (commit) prefix. A rollback execution named by id stands for its release.
 */
export function chooseNamedTarget(
  snapshot: StageSnapshot,
  to: string,
): StageTargetChoice | TargetRefusal {
  const src = sourceStageRefusal(snapshot);
  if (src) return src;
  const sr = stageReleases(snapshot);
  if (!sr) return nothingRan(snapshot);
  const wanted = to.trim().toLowerCase();
  const releases = sr.releases.map((v) => v.release);
  const known = [...snapshot.succeeded, ...(snapshot.recent ?? [])];
  if (snapshot.named) known.push(snapshot.named);
  if (EXECUTION_ID.test(wanted)) {
    const named = known.find((r) => r.executionId.toLowerCase() === wanted);
    const releaseId = named ? releaseIdOf(named) : wanted;
    const inList = releases.find((r) => r.executionId.toLowerCase() === releaseId.toLowerCase());
    const found =
      inList ??
      (sr.current.executionId.toLowerCase() === releaseId.toLowerCase() ? sr.current : undefined) ??
      (named && named.executionType === 'STANDARD' ? named : undefined);
    if (!found) {
      return refuse('not-found', `No execution ${to.trim()} was found in ${snapshot.pipeline}.`);
    }
    const why = whyNotTarget(found, sr.current, snapshot, inList !== undefined);
    return why ?? chosen(sr, snapshot, found, false);
  }
  if (wanted.length < MIN_SHA_PREFIX || !/^[0-9a-z._-]+$/i.test(wanted)) {
    return refuse(
      'not-found',
      `"${to.trim()}" is neither an execution id nor a commit prefix of at least ${MIN_SHA_PREFIX} characters.`,
    );
  }
  const bySha = releases.filter((r) =>
    r.sourceRevisions.some((s) => s.revisionId.toLowerCase().startsWith(wanted)),
  );
  const byExecution =
    wanted.length >= MIN_EXECUTION_PREFIX
      ? releases.filter((r) => r.executionId.toLowerCase().startsWith(wanted))
      : [];
  const matches = [...new Set([...bySha, ...byExecution])];
  if (matches.length === 0) {
    return refuse(
      'not-found',
      `No release that succeeded in ${snapshot.stage} has a commit or execution id starting with ${to.trim()}.`,
    );
  }
  if (bySha.length > 0 && byExecution.length > 0) {
    return refuse(
      'ambiguous',
      `${to.trim()} starts both a commit and an execution id; give more characters.`,
    );
  }
  const distinct = new Set(
    byExecution.length > 0
      ? byExecution.map((r) => r.executionId)
      : bySha.flatMap((r) =>
          r.sourceRevisions
            .filter((s) => s.revisionId.toLowerCase().startsWith(wanted))
            .map((s) => s.revisionId),
        ),
  );
  if (distinct.size > 1) {
    return refuse(
      'ambiguous',
      `${to.trim()} matches several ${byExecution.length > 0 ? 'executions' : 'revisions'} (${[...distinct].map(shortRevision).join(', ')}); give more characters.`,
    );
  }
  // Re-runs of one commit are common: take the newest run that is a valid target, preferring
  // one that is not bad.
  const ordered = [
    ...matches.filter((r) => !sr.releases.find((v) => v.release === r)?.bad.length),
    ...matches.filter((r) => sr.releases.find((v) => v.release === r)?.bad.length),
  ];
  let firstRefusal: TargetRefusal | undefined;
  for (const candidate of ordered) {
    const why = whyNotTarget(candidate, sr.current, snapshot, true);
    if (!why) return chosen(sr, snapshot, candidate, false);
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

/** A release named as the bot shows it (commit or execution id prefix), the live one included. */
export function findStageRelease(snapshot: StageSnapshot, name: string): FoundRelease {
  const sr = stageReleases(snapshot);
  const wanted = name.trim().toLowerCase();
  if (!sr) return { ok: false, message: nothingRan(snapshot).message };
  const all = [sr.current, ...sr.releases.map((v) => v.release)];
  const rollback = [...snapshot.succeeded, ...(snapshot.recent ?? [])].find(
    (r) => r.executionId.toLowerCase() === wanted && r.executionType === 'ROLLBACK',
  );
  const hits = rollback
    ? all.filter((r) => r.executionId === releaseIdOf(rollback))
    : all.filter(
        (r) =>
          (wanted.length >= MIN_EXECUTION_PREFIX &&
            r.executionId.toLowerCase().startsWith(wanted)) ||
          (wanted.length >= MIN_SHA_PREFIX &&
            r.sourceRevisions.some((s) => s.revisionId.toLowerCase().startsWith(wanted))),
      );
  const distinct = [...new Map(hits.map((r) => [r.executionId, r])).values()];
  if (distinct.length !== 1) {
    return {
      ok: false,
      message:
        distinct.length === 0
          ? `No release in ${snapshot.pipeline} / ${snapshot.stage} has a commit (6+ characters) or execution id (8+) starting with ${name.trim()}.`
          : `${name.trim()} matches several releases (${distinct.map((r) => r.executionId.slice(0, 8)).join(', ')}); give more characters.`,
    };
  }
  const r = distinct[0]!;
  const rev = r.sourceRevisions[0];
  return {
    ok: true,
    releaseId: r.executionId,
    label: `${rev ? shortRevision(rev.revisionId) : r.executionId.slice(0, 8)}${rev?.message ? ` ${rev.message.split('\n')[0]}` : ''}`,
  };
}
