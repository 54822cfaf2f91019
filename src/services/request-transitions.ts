// A request's moves after the decision: queued (taking its target's lock) and handed to the
// worker, or approved, rejected, cancelled, expired. Each move is one atomic change in the store
// (the state check, the lock and the audit entry together), then the listeners hear of it.
import { CodedError } from '../domain/errors.js';
import type { Phrase } from '../domain/phrase.js';
import type { RequestState } from '../domain/request-state.js';
import type { AlarmWatch, Requester, RollbackRequest } from '../domain/rollback-request.js';
import type { RollbackContext } from './rollback-context.js';

/** A rollback of the same target already under way. */
export interface ActiveRollback {
  requestId: string;
  requestedBy: Requester;
  /** When it was queued (or created, if not yet queued). */
  since: number;
  state: RequestState;
}

export function activeRollback(r: RollbackRequest): ActiveRollback {
  return {
    requestId: r.id,
    requestedBy: r.requestedBy,
    since: r.queuedAt ?? r.createdAt,
    state: r.state,
  };
}

/** Queued, or pointed at the rollback of the same target that holds the lock. */
export type QueueOutcome =
  /** `why`: the policy's words when the request waits for approval or is blocked. */
  | { outcome: 'created'; request: RollbackRequest; why?: Phrase }
  | { outcome: 'already-active'; active: ActiveRollback; request?: RollbackRequest };

export type CancelAutomaticOutcome =
  | { ok: true; request: RollbackRequest }
  | { ok: false; reason: 'missing' | 'not-automatic' }
  | { ok: false; reason: 'wrong-state'; state: RequestState };

type TransitionContext = Pick<RollbackContext, 'store' | 'queue' | 'now' | 'emit'>;

/**
 * requested|awaiting_approval → queued (taking the target lock), then the job; delayed by
 * `graceMs` (an automatic request's grace period) when given.
 */
export async function enqueue(
  ctx: TransitionContext,
  r: RollbackRequest,
  by: string,
  decision: string,
  graceMs = 0,
  approvedBy?: readonly string[],
): Promise<QueueOutcome> {
  const t = ctx.now();
  const runAfter = graceMs > 0 ? t + graceMs : undefined;
  const res = await ctx.store.change(r.id, [r.state], 'queued', t, {
    by,
    event: 'queued',
    fields: {
      queuedAt: t,
      decision,
      runAfter,
      ...(approvedBy ? { approvedBy: [...approvedBy] } : {}),
    },
    audit: { decision, graceMs: runAfter ? graceMs : undefined },
  });
  if (!res.ok) {
    if (res.reason === 'locked') {
      const holder = await ctx.store.get(res.activeRequestId);
      const blocked = await ctx.store.get(r.id);
      if (blocked && blocked.state !== r.state) ctx.emit(blocked, r.state);
      if (holder) {
        return {
          outcome: 'already-active',
          active: activeRollback(holder),
          ...(blocked ? { request: blocked } : {}),
        };
      }
    }
    throw new CodedError(
      'REQUEST_NOT_FOUND',
      `Request ${r.id} could not be queued (${res.reason}).`,
    );
  }
  ctx.emit(res.request, res.from);
  await ctx.queue.addExecute(r.id, { delayMs: graceMs });
  return { outcome: 'created', request: res.request };
}

/** One move of the state machine, recorded with `fields` on the request and in its audit. */
export async function move(
  ctx: TransitionContext,
  id: string,
  change: { from: RequestState[]; to: RequestState; by: string; event: string },
  fields: Record<string, string> = {},
  /** Set on the record only, not written to the audit (it has them in words). */
  recordOnly: Partial<Pick<RollbackRequest, 'policyWords'>> = {},
): Promise<RollbackRequest> {
  const { from, to, by, event } = change;
  const res = await ctx.store.change(id, from, to, ctx.now(), {
    by,
    event,
    fields: { ...fields, ...recordOnly },
    audit: fields,
  });
  if (!res.ok) {
    const state = res.reason === 'missing' ? 'missing' : res.state;
    throw new CodedError(
      'REQUEST_NOT_FOUND',
      `Request ${id} cannot move to ${to}: it is ${state}.`,
    );
  }
  ctx.emit(res.request, res.from);
  return res.request;
}

/** `approvers`: everyone whose approval counted (Slack user ids), `by` the last of them. */
export async function approve(
  ctx: TransitionContext,
  id: string,
  by: string,
  approvers?: readonly string[],
): Promise<RollbackRequest> {
  const r = await ctx.store.get(id);
  if (r?.state !== 'awaiting_approval') {
    throw new CodedError(
      'REQUEST_NOT_FOUND',
      `Request ${id} is not awaiting approval (${r?.state ?? 'missing'}).`,
    );
  }
  const approvedBy = approvers ?? (by.startsWith('user:') ? [by.slice(5)] : undefined);
  const out = await enqueue(ctx, r, by, `approved by ${by}`, 0, approvedBy);
  if (out.outcome === 'created') return out.request;
  throw new CodedError(
    'REQUEST_NOT_FOUND',
    `Another rollback of this target is active (request ${out.active.requestId}); approve again when it ends.`,
  );
}

export const reject = (ctx: TransitionContext, id: string, by: string, reason?: string) =>
  move(
    ctx,
    id,
    { from: ['awaiting_approval'], to: 'rejected', by, event: 'rejected' },
    { decision: `rejected by ${by}`, ...(reason ? { lastError: reason } : {}) },
  );

export const cancel = (ctx: TransitionContext, id: string, by: string) =>
  move(
    ctx,
    id,
    { from: ['awaiting_approval'], to: 'cancelled', by, event: 'cancelled' },
    { decision: `cancelled by ${by}` },
  );

export const expire = (ctx: TransitionContext, id: string) =>
  move(
    ctx,
    id,
    { from: ['awaiting_approval'], to: 'expired', by: 'policy', event: 'expired' },
    { decision: 'approval expired' },
  );

/**
 * Cancels an automatic request still waiting out its grace period (queued, job not started).
 * Atomic against the worker's queued → running: exactly one of the two happens.
 */
export async function cancelAutomatic(
  ctx: TransitionContext,
  id: string,
  by: string,
): Promise<CancelAutomaticOutcome> {
  const r = await ctx.store.get(id);
  if (!r) return { ok: false, reason: 'missing' };
  if (r.requestedBy.kind !== 'auto') return { ok: false, reason: 'not-automatic' };
  const t = ctx.now();
  const res = await ctx.store.change(id, ['queued'], 'cancelled', t, {
    by,
    event: 'cancelled',
    fields: { decision: `cancelled by ${by}`, endedAt: t },
    audit: { decision: `cancelled by ${by}` },
  });
  if (!res.ok) {
    return res.reason === 'missing'
      ? { ok: false, reason: 'missing' }
      : { ok: false, reason: 'wrong-state', state: res.state };
  }
  ctx.emit(res.request, res.from);
  return { ok: true, request: res.request };
}

/**
 * The alarm watch after a successful rollback, on the request it followed: started, what the
 * last read found, how it ended. Noted in the request's audit (no state moves), so the live
 * status shows it. `running` too: AWS's success event may come before the follower's.
 */
export async function recordAlarmWatch(
  ctx: Pick<TransitionContext, 'store' | 'now'>,
  id: string,
  watch: AlarmWatch,
): Promise<void> {
  // No listener is told: nothing a listener keeps (the approval card) shows the watch.
  await ctx.store.change(id, ['running', 'succeeded'], undefined, ctx.now(), {
    by: 'policy',
    event: watch.outcome ?? 'watching-alarms',
    fields: { alarmWatch: watch },
    audit: {
      alarms: watch.alarms.join(', '),
      ...(watch.notOk?.length ? { notOk: watch.notOk.join(', ') } : {}),
    },
  });
}
