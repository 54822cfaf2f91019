// The one path for Slack commands, buttons, approvals and automatic triggers: preview, review,
// request, decide, queue; approve, reject, cancel, expire; unlock; standings; status and history.
// Each use case is a module of its own over one context built here; workers (jobs/) carry
// requests out.
import type { AwsClients } from '../aws/aws-clients.js';
import type { Config } from '../config/config.js';
import type { ReleaseChoice } from '../domain/release-list.js';
import type { AlarmWatch, RollbackRequest } from '../domain/rollback-request.js';
import type { UnlockOutcome } from '../domain/stage-locks/index.js';
import { createRollbackQueue, type RollbackQueueOptions } from '../jobs/rollback-queue.js';
import type { AuditEntry } from '../store/audit-stream.js';
import type { RedisConnection } from '../store/redis.js';
import { createRequestStore, type RequestStoreOptions } from '../store/request-store.js';
import { createStandingStore } from '../store/standing-store.js';
import {
  type BadRecord,
  type MarkInput,
  type MarkOutcome,
  mark,
  recordBad,
} from './mark-release.js';
import { releaseListings, releases } from './release-listing.js';
import { history, status } from './request-history.js';
import {
  type RequestInput,
  type RequestOutcome,
  type Review,
  type ReviewInput,
  request,
  review,
} from './request-rollback.js';
import {
  approve,
  type CancelAutomaticOutcome,
  cancel,
  cancelAutomatic,
  expire,
  recordAlarmWatch,
  reject,
} from './request-transitions.js';
import {
  type RollbackContext,
  type TransitionListener,
  transitionListeners,
  type UnlockStage,
} from './rollback-context.js';
import type { DecideRollback } from './rollback-policy.js';
import { type Preview, type PreviewOptions, preview, previewReads } from './rollback-preview.js';
import { unlock } from './unlock-stage.js';

// The service's contract, for its callers: they import these from here, not from the modules.
export type { MarkOutcome } from './mark-release.js';
export type { RequestInput, RequestOutcome, Review, ReviewInput } from './request-rollback.js';
export { targetOf } from './request-rollback.js';
export type { ActiveRollback, CancelAutomaticOutcome } from './request-transitions.js';
export type { TransitionListener } from './rollback-context.js';
export type { Preview, PreviewOptions } from './rollback-preview.js';

export interface RollbackServiceDeps {
  config: Config;
  /** A request-path connection (createRedis(url, 'request')): fails fast when Redis is down. */
  connection: RedisConnection;
  aws: AwsClients;
  queue: RollbackQueueOptions;
  store: RequestStoreOptions;
  /** Guardrails: allow, ask for approval, or block (guardrails/guardrails-decide.ts). */
  decide: DecideRollback;
  /** How many releases to look back through. Default 20. */
  lookback?: number;
  /**
   * Guardrails: lifts a post-rollback lock and brings the transition in line with every cause
   * that still holds. Without it (a process with no guardrails) only the lock itself is known.
   */
  unlockStage?: UnlockStage;
  /** The clock every time the service records comes from. */
  now: () => number;
}

export interface RollbackService {
  /**
   * What a rollback would do. `diff: false` when nobody will see the diff (an automatic
   * rollback's notification, a propagation check): the releases' action variables are not read.
   */
  preview(env: string, opts?: PreviewOptions): Promise<Preview>;
  /**
   * The review: the preview and exactly what a request made from it now would do (roll back,
   * wait for approval, be blocked), decided by the same policy with the same facts.
   */
  review(input: ReviewInput): Promise<Review>;
  releases(env: string, opts?: { stage?: string; limit?: number }): Promise<ReleaseChoice[]>;
  request(input: RequestInput): Promise<RequestOutcome>;
  /** `approvers`: the Slack user ids whose approvals counted (default: `by`'s). */
  approve(id: string, by: string, approvers?: readonly string[]): Promise<RollbackRequest>;
  reject(id: string, by: string, reason?: string): Promise<RollbackRequest>;
  cancel(id: string, by: string): Promise<RollbackRequest>;
  /**
   * Cancels an automatic request still waiting out its grace period (queued, job not started).
   * Atomic against the worker's queued → running: exactly one of the two happens.
   */
  cancelAutomatic(id: string, by: string): Promise<CancelAutomaticOutcome>;
  expire(id: string): Promise<RollbackRequest>;
  /** The alarm watch after the request's successful rollback, for its live status. */
  recordAlarmWatch(id: string, watch: AlarmWatch): Promise<void>;
  /** The recent requests of an environment, and the open ones among them. */
  status(env: string): Promise<{ active: RollbackRequest[]; recent: RollbackRequest[] }>;
  history(env: string, limit?: number): Promise<RollbackRequest[]>;
  get(id: string): Promise<RollbackRequest | undefined>;
  audit(id: string): Promise<AuditEntry[]>;
  /**
   * Lifts the stage's post-rollback lock. The transition is enabled only when nothing else holds
   * it (a freeze, blackout, closed window, blocking alarm, someone else's disable); the outcome
   * says what still does.
   */
  unlock(env: string, stage: string | undefined, by: string): Promise<UnlockOutcome>;
  /**
   * Records that a release is bad in the environment's stage (or deployment group): a failure or
   * an alarm the bot saw. `kind` names the reason; marking the same kind again replaces it.
   */
  recordBad(input: BadRecord): Promise<void>;
  /** A person marks a release bad or good, named as the bot shows it (commit or execution id). */
  mark(input: MarkInput): Promise<MarkOutcome>;
  onTransition(listener: TransitionListener): () => void;
  close(): Promise<void>;
}

export function createRollbackService(deps: RollbackServiceDeps): RollbackService {
  const listeners = transitionListeners();
  const base: RollbackContext = {
    config: deps.config,
    aws: deps.aws,
    store: createRequestStore(deps.connection, deps.store),
    standing: createStandingStore(deps.connection, deps.store.prefix),
    queue: createRollbackQueue(deps.connection, deps.queue),
    decide: deps.decide,
    lookback: deps.lookback ?? 20,
    now: deps.now,
    ...(deps.unlockStage ? { unlockStage: deps.unlockStage } : {}),
    emit: listeners.emit,
  };
  const ctx = { ...base, previews: previewReads(), listings: releaseListings() };
  return {
    preview: (env, opts) => preview(ctx, env, opts),
    review: (input) => review(ctx, input),
    releases: (env, opts) => releases(ctx, env, opts),
    request: (input) => request(ctx, input),
    approve: (id, by, approvers) => approve(ctx, id, by, approvers),
    reject: (id, by, reason) => reject(ctx, id, by, reason),
    cancel: (id, by) => cancel(ctx, id, by),
    cancelAutomatic: (id, by) => cancelAutomatic(ctx, id, by),
    expire: (id) => expire(ctx, id),
    recordAlarmWatch: (id, watch) => recordAlarmWatch(ctx, id, watch),
    status: (env) => status(ctx, env),
    history: (env, limit) => history(ctx, env, limit),
    get: (id) => ctx.store.get(id),
    audit: (id) => ctx.store.audit({ requestId: id }),
    unlock: (env, stage, by) => unlock(ctx, env, stage, by),
    recordBad: (input) => recordBad(ctx, input),
    mark: (input) => mark(ctx, input),
    onTransition: listeners.add,
    close: () => ctx.queue.close(),
  };
}
