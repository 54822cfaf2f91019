// Every BullMQ queue of the bot, in one place: its name, its job payloads, its job-id scheme,
// the options its jobs are added with, and its worker's concurrency. The producers
// (jobs/*-queue.ts, reaction-timers.ts) add jobs with these; worker.ts runs them. A new queue
// starts here (see README.md).
//
// A custom job id means "at most one such job while it is kept": an id names what must not be
// done twice. BullMQ ids may not contain ':' nor be all digits; each scheme below says how it
// keeps to that.
import type { JobsOptions } from 'bullmq';

const DAY_S = 86_400;

/** Completed jobs kept a day for inspection, failed ones a week. */
const KEPT = { removeOnComplete: { age: DAY_S }, removeOnFail: { age: 7 * DAY_S } } as const;

/** The queues, by the name the code knows them by. */
export const QUEUES = {
  /** Starting (`execute`) and following (`follow`) rollbacks in AWS. */
  rollback: { name: 'rollback', concurrency: 4 },
  /** One job per domain event (intake and poller); consumed by the reactions. */
  events: { name: 'events', concurrency: 4 },
  /** The reactions' delayed work: bake window ends, recovery checks, follow-ups, health probes. */
  timers: { name: 'reaction-timers', concurrency: 4 },
  /** Posting and updating each request's live status message. */
  status: { name: 'slack-status', concurrency: 4 },
  /** The deploy-block reconcile, the approval post and the approval expiry. */
  guardrails: { name: 'guardrails', concurrency: 4 },
  /** Group rollbacks: a step per member and re-check, the approval expiry, the render. */
  groups: { name: 'group-rollback', concurrency: 8 },
  /** The poller's ticks (one at a time). */
  poller: { name: 'events-poller', concurrency: 1 },
} as const satisfies Record<string, { name: string; concurrency: number }>;

export type QueueKind = keyof typeof QUEUES;

/** Job schedulers (one per id and prefix, however many replicas upsert them). */
export const SCHEDULERS = {
  guardrailsReconcile: 'guardrails-reconcile',
  poll: 'events-poll',
} as const;

// ---- Payloads ----------------------------------------------------------------------------------

export interface ExecuteJobData {
  requestId: string;
}
export interface FollowJobData {
  requestId: string;
  /** Re-checks so far; part of the job id so each delayed re-check is its own job. */
  check: number;
}
export type RollbackJobData = ExecuteJobData | FollowJobData;
export type RollbackJobName = 'execute' | 'follow';

/** What the events queue needs of a domain event (events/domain-event.ts). */
export interface QueuedEvent {
  id: string;
  type: string;
}

export interface BakeEndJob {
  env: string;
  stage?: string;
  releaseId: string;
}
export interface RecoveryCheckJob {
  env: string;
  rollbackId: string;
}
export interface HealthProbeJob {
  env: string;
  rollbackId: string;
}
export interface FollowRequestJob {
  env: string;
  requestId: string;
}
/** Timer jobs are told apart by their job name. */
export type TimerJobName = 'bake-end' | 'recovery-check' | 'follow-request' | 'health-probe';
export type TimerJobData = BakeEndJob | RecoveryCheckJob | FollowRequestJob | HealthProbeJob;

export interface StatusJobData {
  requestId: string;
}

export type GuardrailsJobData =
  /** `envs`: only these environments (a release reached one of their pipelines' stages). */
  | { kind: 'reconcile'; why: string; envs?: string[] }
  | { kind: 'approval-render'; requestId: string }
  | { kind: 'approval-expire'; requestId: string };

export type GroupJobData =
  | { kind: 'step'; groupId: string; member: number; check: number }
  | { kind: 'expire'; groupId: string }
  | { kind: 'render'; groupId: string };

/** The payload each queue's jobs carry: a worker's processor takes this (or a narrower type). */
export interface JobData {
  rollback: RollbackJobData;
  events: QueuedEvent;
  timers: TimerJobData;
  status: StatusJobData;
  guardrails: GuardrailsJobData;
  groups: GroupJobData;
  poller: Record<string, never>;
}

// ---- Job ids: the six schemes ------------------------------------------------------------------

/** 1. A rollback runs once per request: `rb-<request ULID>`. */
export function executeJobId(requestId: string): string {
  return `rb-${requestId}`;
}
/** …and each of its re-checks once: `rb-<request ULID>-follow-<check>`. */
export function followJobId(requestId: string, check: number): string {
  return `rb-${requestId}-follow-${check}`;
}

/** 2. A domain event is enqueued once: its own id (`aws-…`, normalise.ts; no ':'). */
export function eventJobId(event: QueuedEvent): string {
  return event.id;
}

/**
 * 3. A reaction timer once per what it checks: `<kind>-<parts…>`, e.g. `bake-<env>-<stage>-<release>`.
 * Parts come from env names, UUIDs and ULIDs; a ':' in one becomes '_'.
 */
export function timerJobId(kind: 'bake' | 'rc' | 'fr' | 'hp', ...parts: string[]): string {
  return [kind, ...parts].join('-').replace(/:/g, '_');
}

/**
 * 4. A status update coalesces per request while one waits: `st-<request ULID>`; the final
 * state has its own id (`st-<request ULID>-final`), so it is never coalesced away.
 */
export function statusJobId(requestId: string, final: boolean): string {
  return final ? `st-${requestId}-final` : `st-${requestId}`;
}

/** 5. An approval expires once: `appr-expire-<request ULID>` (other guardrails jobs: BullMQ's ids). */
export function approvalExpiryJobId(requestId: string): string {
  return `appr-expire-${requestId}`;
}

/** 6. A group's jobs, by group ULID: a step per member and check, one render, one expiry. */
export function groupStepJobId(groupId: string, member: number, check: number): string {
  return `grp-${groupId}-m${member}-c${check}`;
}
/** One render per group: bursts coalesce (the worker renders again if the group changed). */
export function groupRenderJobId(groupId: string): string {
  return `grp-${groupId}-render`;
}
export function groupExpiryJobId(groupId: string): string {
  return `grp-${groupId}-expire`;
}

// ---- Job options -------------------------------------------------------------------------------

/**
 * What each kind of job is added with. Attempts count failures; a RetryLater (processor.ts) is
 * not one.
 */
export const JOB_OPTIONS = {
  rollback: {
    // Unexpected errors (Redis blips, bugs) retry a few times; AWS errors are handled in the
    // processor, where each retry is recorded on the request.
    attempts: 5,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
    ...KEPT,
  },
  events: {
    // Reactions are retried on failure; they must be idempotent (delivery is at least once).
    attempts: 5,
    backoff: { type: 'exponential', delay: 1_000 },
    // Kept a day after completion so a late duplicate add stays a no-op.
    removeOnComplete: { age: DAY_S, count: 50_000 },
    removeOnFail: { age: 7 * DAY_S },
  },
  timers: { attempts: 8, backoff: { type: 'exponential', delay: 1_000 }, ...KEPT },
  status: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: true,
    removeOnFail: 1000,
  },
  guardrails: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: true,
    removeOnFail: 1000,
  },
  approvalRender: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: true,
    removeOnFail: 1000,
  },
  groups: { attempts: 5, backoff: { type: 'exponential', delay: 500 }, ...KEPT },
  groupRender: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: true,
    // A render that gave up must not block later ones (same job id).
    removeOnFail: true,
  },
  /** What a job scheduler's jobs are added with. */
  scheduled: { removeOnComplete: true, removeOnFail: 100 },
} as const satisfies Record<string, JobsOptions>;
