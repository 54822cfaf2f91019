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

/** States that hold the target's "one active rollback" lock. */
export const ACTIVE_STATES: readonly RequestState[] = ['queued', 'running'];

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states a request may be in to move to `to`. */
export function statesLeadingTo(to: RequestState): RequestState[] {
  return REQUEST_STATES.filter((s) => TRANSITIONS[s].includes(to));
}

export function isTerminal(state: RequestState): boolean {
  return TRANSITIONS[state].length === 0;
}

export function isRequestState(value: string): value is RequestState {
  return (REQUEST_STATES as readonly string[]).includes(value);
}
