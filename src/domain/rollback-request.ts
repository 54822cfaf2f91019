// The rollback request: the unit of work and of audit. Stored by store/request-store.ts.

import type { PhrasePart } from './phrase.js';
import type { DeployRevision, FileExistsBehavior, SourceRevision } from './releases.js';
import type { RequestState } from './request-state.js';
import type { UnsafeRelease } from './rollback-decision/rollback-safety.js';

export type Requester = { kind: 'user'; id: string } | { kind: 'auto'; reason: string };

/** Where a request came from. */
export type RequestSource =
  /** `/rollback <env> …` and its confirmation. */
  | 'slash-command'
  /** A button on a message the bot posted (an offer, a failure notification). */
  | 'button'
  /** The release picker. */
  | 'picker'
  /** An automatic rollback after a failed deploy, or an alarm in the bake window. */
  | 'auto-failure'
  | 'auto-alarm'
  /** A member of the group rollback `<id>` (src/services/groups/). */
  | `group:${string}`;

const GROUP_MEMBER_SOURCE = /^group:([0-9A-HJKMNP-TV-Z]{26})$/;
const PLAIN_SOURCES: readonly string[] = [
  'slash-command',
  'button',
  'picker',
  'auto-failure',
  'auto-alarm',
];

export function isRequestSource(value: string): value is RequestSource {
  return PLAIN_SOURCES.includes(value) || /^group:./.test(value);
}

/** The source of a member request of the group rollback `groupId`. */
export function groupSource(groupId: string): RequestSource {
  return `group:${groupId}`;
}

/** The group rollback (a ULID) a member request belongs to, if it is one. */
export function groupOfSource(source: RequestSource): string | undefined {
  return GROUP_MEMBER_SOURCE.exec(source)?.[1];
}

/** What is being rolled back, and to what. Everything the worker needs to act. */
export type RollbackTarget =
  | {
      kind: 'stage';
      pipeline: string;
      stage: string;
      /** The execution in the stage now (a release, or a rollback execution that redeployed one). */
      currentExecutionId: string;
      /**
       * The release being rolled back away from: `currentExecutionId`, or for a rollback
       * execution the release it redeployed. Absent on records made before releases were told
       * apart from executions.
       */
      currentReleaseId?: string;
      /** A release (a STANDARD execution), never a rollback execution. */
      targetExecutionId: string;
      /** Facts of the choice the decision uses: the target is older than the previous release. */
      olderThanPrevious?: boolean;
      /** Facts of the choice: the target is bad in this stage, and why. */
      targetBad?: string[];
      /** Lock the stage's inbound transition after a successful rollback. */
      lockAfterRollback: boolean;
    }
  | {
      kind: 'deployment-group';
      application: string;
      deploymentGroup: string;
      action: 'stop' | 'redeploy';
      currentDeploymentId?: string;
      targetDeploymentId?: string;
      revision?: DeployRevision;
      fileExistsBehavior?: FileExistsBehavior;
      /** Facts of the choice (domain/choose-deployment-target.ts), as for a stage target. */
      olderThanPrevious?: boolean;
      targetBad?: string[];
      /** Releases marked `[rollback-unsafe]` the redeploy would undo (the live one and those between). */
      unsafeCrossed?: UnsafeRelease[];
    };

export interface RollbackRequest {
  id: string;
  env: string;
  region: string;
  state: RequestState;
  target: RollbackTarget;
  requestedBy: Requester;
  reason?: string;
  source: RequestSource;
  createdAt: number;
  updatedAt: number;
  queuedAt?: number;
  /**
   * An automatic request with a grace period: its job starts no earlier than this, and until
   * then it may be cancelled (queued → cancelled).
   */
  runAfter?: number;
  startedAt?: number;
  endedAt?: number;
  /** The policy decision that moved it out of `requested`. */
  decision?: string;
  /** The AWS execution or deployment the rollback runs as, once known. */
  awsExecutionId?: string;
  /** CodeDeploy stop: the deployment that was stopped (its rollback is `awsExecutionId`). */
  stoppedDeploymentId?: string;
  /** How the AWS execution was obtained: called by us, or adopted after a crash. */
  awsOrigin?: 'called' | 'adopted';
  /**
   * The newest pipeline execution just before we called RollbackStage. After a crash, a
   * rollback to our target newer than this is ours, so it is adopted rather than started again.
   */
  awsBaseline?: string;
  /**
   * Set when the baseline came from the listing the request was decided on (ms, when it was
   * read): the worker acts on it without listing again while it is fresh (rollback-processor.ts).
   */
  awsBaselineAt?: number;
  /** Retries of AWS calls so far (throttling, 5xx, network). */
  retries: number;
  lastError?: string;
  /** For a request that failed on an AWS refusal: what a person should do next. */
  nextStep?: string;
  /** AWS's own summary of how it ended. */
  summary?: string;
  /** Set when the stage's inbound transition was disabled after the rollback. */
  lockedTransition?: boolean;
  /** Who approved it (Slack user ids), when it waited for approval. */
  approvedBy?: string[];
  /** When AWS accepted the call (or the rollback already under way was adopted). */
  awsAcceptedAt?: number;
  /**
   * When AWS began deploying the rollback, where that came after it accepted the call: a stop,
   * once CodeDeploy named its rollback deployment. Otherwise it deploys from `awsAcceptedAt`.
   */
  deployingSince?: number;
  /** How far AWS has got, as the follower last read it (where AWS says: CodeDeploy). */
  deployProgress?: DeployProgress;
  /** The alarm watch after a successful rollback (services/reactions/after-rollback.ts). */
  alarmWatch?: AlarmWatch;
  /**
   * The releases rolled back from and to, as the request's preview read them (source revisions;
   * a failed release is no longer among the stage's releases, so history could not read it later).
   */
  commits?: { from?: SourceRevision[]; to?: SourceRevision[] };
  /** The policy's words while it waits for approval or was blocked (`lastError` in plain text). */
  policyWords?: PhrasePart[];
}

/** A deployment's instances as CodeDeploy counts them. */
export interface DeployProgress {
  unit: 'instances';
  /** Succeeded or skipped. */
  done: number;
  failed: number;
  total: number;
}

/** Watching the environment's alarms after a rollback, until they are OK or the limit passes. */
export interface AlarmWatch {
  since: number;
  /** The alarms watched (the environment's `alarms`). */
  alarms: string[];
  /** Watched alarms not OK at the last read. */
  notOk?: string[];
  /** Watched alarms any read found not OK (so "OK again" can be told from "OK all along"). */
  seenNotOk?: string[];
  /** Watched alarms CloudWatch does not know (they do not hold recovery up). */
  missing?: string[];
  /** How it ended: every alarm OK, or still not OK at the limit. */
  outcome?: 'recovered' | 'not-recovered';
  /** When the outcome was read. */
  at?: number;
}

/** Where a rollback happens: a pipeline's stage, or a CodeDeploy deployment group. */
export type Place =
  | { pipeline: string; stage: string }
  | { application: string; deploymentGroup: string };

/** The key of one stage or deployment group: its "one active rollback" lock, its standings. */
export function placeKey(region: string, place: Place): string {
  return 'pipeline' in place
    ? `stage/${region}/${place.pipeline}/${place.stage}`
    : `dg/${region}/${place.application}/${place.deploymentGroup}`;
}

/** The key of the "one active rollback per target" lock. */
export function targetKey(region: string, target: RollbackTarget): string {
  return placeKey(region, target);
}

/** The release a stage rollback goes away from. */
export function releaseRolledBack(target: RollbackTarget): string | undefined {
  return target.kind === 'stage'
    ? (target.currentReleaseId ?? target.currentExecutionId)
    : target.currentDeploymentId;
}

/** A target (or any place) as the bot names it: `pipeline / stage` or `application / group`. */
export function describeTarget(place: Place): string {
  return 'pipeline' in place
    ? `${place.pipeline} / ${place.stage}`
    : `${place.application} / ${place.deploymentGroup}`;
}

/** Why a request failed, in one line of words a person can act on (what happened, what to do). */
export function failureExplanation(r: RollbackRequest): string {
  const what = r.summary ?? r.lastError ?? 'no reason given';
  return r.nextStep ? `${what} What to do: ${r.nextStep}` : what;
}
