// The worker acts on the listing a request was decided on only while it is fresh and nothing was
// under way in it; otherwise it lists again before RollbackStage.

import { describe, expect, it } from 'vitest';
import type { PipelineRelease } from '../../../src/domain/releases.js';
import type { RollbackRequest } from '../../../src/domain/rollback-request.js';
import { rollbackUnderWay } from '../../../src/domain/stage-releases.js';
import { listedReconcile } from '../../../src/jobs/target-actions.js';
import { execId, release, SHA } from '../domain/fixtures.js';
import { stageRequest } from '../request-fixture.js';

const T0 = Date.UTC(2026, 11, 1, 3, 0);

function request(fields: Partial<RollbackRequest>): RollbackRequest {
  return stageRequest(
    {
      state: 'queued',
      requestedBy: { kind: 'auto', reason: 'stage failed' },
      source: 'auto-failure',
      createdAt: T0,
      ...fields,
    },
    { currentExecutionId: execId(3), targetExecutionId: execId(2) },
  );
}

describe('listedReconcile: the request listing stands for the worker read', () => {
  const listed = { awsBaseline: execId(3), awsBaselineAt: T0 };

  it('within 5 s of the listing: its head is the baseline, nothing under way', () => {
    expect(listedReconcile(request(listed), T0 + 4_999)).toEqual({ baseline: execId(3) });
    expect(listedReconcile(request(listed), T0 + 5_000)).toEqual({ baseline: execId(3) });
  });

  it('later than that (a grace period, a slow queue): undefined, the worker lists again', () => {
    expect(listedReconcile(request(listed), T0 + 5_001)).toBeUndefined();
  });

  it('a clock that went back, a running request (re-delivered), or no listed baseline: lists again', () => {
    expect(listedReconcile(request(listed), T0 - 1)).toBeUndefined();
    expect(listedReconcile(request({ ...listed, state: 'running' }), T0)).toBeUndefined();
    // A baseline recorded by an earlier claim has no listing time: never taken as fresh.
    expect(listedReconcile(request({ awsBaseline: execId(3) }), T0)).toBeUndefined();
    expect(listedReconcile(request({}), T0)).toBeUndefined();
  });
});

describe('rollbackUnderWay', () => {
  const b = release(2, SHA.b);
  const c = { ...release(3, SHA.c), status: 'Failed' as const };
  const rollbackTo = (i: number, target: PipelineRelease, status: PipelineRelease['status']) => ({
    ...target,
    executionId: execId(i),
    startTime: new Date(Date.UTC(2026, 0, 1, 0, i)),
    status,
    executionType: 'ROLLBACK' as const,
    rollbackTargetExecutionId: target.executionId,
  });

  it('a running rollback to the target is under way; a finished one before the baseline is not', () => {
    const running = rollbackTo(4, b, 'InProgress');
    expect(rollbackUnderWay([running, c, b], b.executionId)?.executionId).toBe(execId(4));
    const done = rollbackTo(4, b, 'Succeeded');
    expect(rollbackUnderWay([c, done, b], b.executionId)).toBeUndefined();
  });

  it('one newer than the baseline is ours (after a crash), even finished', () => {
    const done = rollbackTo(4, b, 'Succeeded');
    expect(rollbackUnderWay([done, c, b], b.executionId, { baseline: c.executionId })).toBe(done);
  });

  it('one started since the request was queued counts; to another target never', () => {
    const done = rollbackTo(4, b, 'Failed');
    const queuedAt = done.startTime.getTime();
    expect(rollbackUnderWay([done, c], b.executionId, { queuedAt })).toBe(done);
    expect(rollbackUnderWay([done, c], execId(1), { queuedAt })).toBeUndefined();
  });
});
