import { describe, expect, it } from 'vitest';
import { listReleaseChoices } from '../../../src/domain/release-list.js';
import {
  ACTIVE_STATES,
  canTransition,
  isTerminal,
  OPEN_STATES,
  REQUEST_STATES,
  type RequestState,
  STARTED_STATES,
  SUPERSEDING_STATES,
} from '../../../src/domain/request-state.js';
import {
  groupOfSource,
  groupSource,
  isRequestSource,
} from '../../../src/domain/rollback-request.js';
import { sanitiseTransitionReason } from '../../../src/domain/stage-locks/transition-reason.js';
import { execId, release, SHA, snapshot } from './fixtures.js';

/** The states a request may be in to move to `to`. */
const statesLeadingTo = (to: RequestState) => REQUEST_STATES.filter((s) => canTransition(s, to));

describe('request state machine', () => {
  it('follows DESIGN.md', () => {
    expect(canTransition('requested', 'queued')).toBe(true);
    expect(canTransition('awaiting_approval', 'queued')).toBe(true);
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'succeeded')).toBe(true);
    expect(canTransition('requested', 'running')).toBe(false);
    expect(canTransition('succeeded', 'failed')).toBe(false);
    expect(canTransition('blocked', 'queued')).toBe(false);
    expect(statesLeadingTo('queued')).toEqual(['requested', 'awaiting_approval']);
    expect(isTerminal('expired')).toBe(true);
    expect(isTerminal('running')).toBe(false);
  });

  it('lets a queued request be cancelled (grace period), never a running one', () => {
    expect(canTransition('queued', 'cancelled')).toBe(true);
    expect(canTransition('running', 'cancelled')).toBe(false);
    expect(statesLeadingTo('cancelled')).toEqual(['awaiting_approval', 'queued']);
    expect(isTerminal('cancelled')).toBe(true);
  });
});

describe('named sets of request states', () => {
  it('says which requests hold the lock, are open, supersede an approval, or have started', () => {
    expect(ACTIVE_STATES).toEqual(['queued', 'running']);
    expect(OPEN_STATES).toEqual(['awaiting_approval', 'queued', 'running']);
    expect(SUPERSEDING_STATES).toEqual(['awaiting_approval', 'queued', 'running', 'succeeded']);
    expect(STARTED_STATES).toEqual(['running', 'succeeded', 'failed']);
    // Started: running, or where running leads (the worker took it off the queue).
    expect(STARTED_STATES.every((s) => s === 'running' || canTransition('running', s))).toBe(true);
    // Active is the one lock: a request takes it on queued and keeps it while running.
    expect(ACTIVE_STATES.every((s) => OPEN_STATES.includes(s))).toBe(true);
  });
});

describe('request source', () => {
  it('knows every source the bot writes, and a group member names its group', () => {
    const group = '01J0000000000000000000000A';
    for (const s of ['slash-command', 'button', 'picker', 'auto-failure', 'auto-alarm']) {
      expect(isRequestSource(s)).toBe(true);
    }
    expect(isRequestSource(groupSource(group))).toBe(true);
    expect(groupOfSource(groupSource(group))).toBe(group);
    expect(groupOfSource('auto-alarm')).toBeUndefined();
    expect(groupOfSource('group:not-an-id')).toBeUndefined();
    for (const s of ['', 'test', 'api', 'group', 'group:']) {
      expect(isRequestSource(s)).toBe(false);
    }
  });
});

describe('transition reason', () => {
  it('keeps only the characters AWS allows, within 300', () => {
    expect(sanitiseTransitionReason('Rolled back: by <@U123>, req_01H/x "quoted"\nnext')).toBe(
      'Rolled back by @U123 req 01H x quoted next',
    );
    expect(sanitiseTransitionReason('x'.repeat(400))).toHaveLength(300);
    expect(sanitiseTransitionReason(':::')).toBe('Locked by rollback-bot');
    expect(sanitiseTransitionReason('a (b) ok! why? *')).toMatch(/^[a-zA-Z0-9!@ ().*?-]{1,300}$/);
  });
});

describe('release list for pickers', () => {
  it('gives each release its validity and reason', () => {
    const s = snapshot([
      release(1, SHA.a),
      release(2, SHA.b, { executionType: 'ROLLBACK', rollbackTargetExecutionId: execId(1) }),
      release(3, SHA.c),
    ]);
    const list = listReleaseChoices(s, 10);
    // Rollback executions are not releases: execution 2 (a rollback to 1) is not listed.
    expect(list.map((r) => [r.executionId, r.isCurrent, r.valid])).toEqual([
      [execId(3), true, false],
      [execId(1), false, true],
    ]);
    expect(list[0]!.reason).toMatch(/live in Deploy now/);
    expect(list[1]!.sourceRevisions[0]).toMatchObject({
      revisionId: SHA.a,
      message: 'commit aaaaaaa',
    });
    expect(listReleaseChoices(s, 1)).toHaveLength(1);
  });
});
