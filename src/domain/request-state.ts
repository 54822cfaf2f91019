// The rollback request's state machine (DESIGN.md). The store enforces it atomically in Redis;
// this module is the single list both sides read.

export const REQUEST_STATES = [
  'requested',
  'blocked',
  'awaiting_approval',
  'queued',
  'running',
  'succeeded',
  'failed',
  'rejected',
  'expired',
  'cancelled',
] as const;

export type RequestState = (typeof REQUEST_STATES)[number];

export const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  requested: ['blocked', 'awaiting_approval', 'queued'],
  awaiting_approval: ['queued', 'rejected', 'expired', 'cancelled'],
  // queued → cancelled: an automatic request cancelled during its grace period, before the
  // worker's queued → running (the store's Lua transition lets only one of the two happen).
  queued: ['running', 'cancelled'],
  running: ['succeeded', 'failed'],
  blocked: [],
  succeeded: [],
  failed: [],
  rejected: [],
  expired: [],
  cancelled: [],
};

/** Active: the request holds its target's "one active rollback" lock (its job waits or runs). */
export const ACTIVE_STATES: readonly RequestState[] = ['queued', 'running'];

/** Open: not settled yet, waiting for approval or active. `/rollback status` lists these. */
export const OPEN_STATES: readonly RequestState[] = ['awaiting_approval', ...ACTIVE_STATES];

/**
 * Superseding: a newer request for the same target in one of these makes an older request's
 * approval stale (it is open, or it already rolled the target back).
 */
export const SUPERSEDING_STATES: readonly RequestState[] = [...OPEN_STATES, 'succeeded'];

/** Started: the worker took the request (queued → running); too late to cancel its grace period. */
export const STARTED_STATES: readonly RequestState[] = ['running', 'succeeded', 'failed'];

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(state: RequestState): boolean {
  return TRANSITIONS[state].length === 0;
}

export function isRequestState(value: string): value is RequestState {
  return (REQUEST_STATES as readonly string[]).includes(value);
}
