// The poller's pure parts: diffs against the last seen state, and that a polled occurrence gets
// the same dedupe id as the pushed event for the same thing.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/config/load.js';
import { normaliseEvent } from '../../../../src/events/normalise.js';
import { occurrenceDedupeId } from '../../../../src/events/occurrence-dedupe.js';
import { alarmChanges } from '../../../../src/events/poller/observe-alarms.js';
import {
  deploymentChanges,
  deploymentsToRead,
} from '../../../../src/events/poller/observe-deployments.js';
import { diffPipeline, stageEventOf } from '../../../../src/events/poller/observe-pipeline.js';
import { createPollBudget } from '../../../../src/events/poller/poll-budget.js';
import { pollPlan } from '../../../../src/events/poller/poll-plan.js';
import { reconcileOnBlockingAlarm } from '../../../../src/services/guardrails/blocking-alarm-hook.js';
import { fixture } from '../../../fixtures/aws-events.js';

const X = '9d2b7c4e-6a1f-4e2b-8c3d-5f7a9b1c2d3e';
const Y = '11111111-1111-4111-8111-111111111111';

describe('diffPipeline', () => {
  it('takes the first look as a baseline: nothing from before the bot started is reported', () => {
    const { changes, next } = diffPipeline(undefined, [
      { stage: 'Deploy', executionId: X, status: 'Failed' },
    ]);
    expect(changes).toEqual([]);
    expect(next).toEqual({ Deploy: { executionId: X, status: 'Failed', attempt: 1 } });
  });

  it('reports a new execution seen already failed as started, then failed', () => {
    const prev = { Deploy: { executionId: Y, status: 'Succeeded', attempt: 1 } };
    const { changes } = diffPipeline(prev, [{ stage: 'Deploy', executionId: X, status: 'Failed' }]);
    expect(changes.map((c) => [c.executionId, c.state, c.attempt])).toEqual([
      [X, 'STARTED', 1],
      [X, 'FAILED', 1],
    ]);
  });

  it('counts a stage of the same execution running again as the next attempt', () => {
    const prev = { Deploy: { executionId: X, status: 'Failed', attempt: 1 } };
    const { changes, next } = diffPipeline(prev, [
      { stage: 'Deploy', executionId: X, status: 'InProgress' },
    ]);
    expect(changes.map((c) => [c.state, c.attempt])).toEqual([['STARTED', 2]]);
    expect(
      diffPipeline(next, [{ stage: 'Deploy', executionId: X, status: 'Failed' }]).changes,
    ).toMatchObject([{ state: 'FAILED', attempt: 2 }]);
  });

  it('reports nothing when nothing changed', () => {
    const prev = { Deploy: { executionId: X, status: 'InProgress', attempt: 1 } };
    expect(
      diffPipeline(prev, [{ stage: 'Deploy', executionId: X, status: 'InProgress' }]).changes,
    ).toEqual([]);
  });
});

describe('deployments and alarms', () => {
  it('reads only new and still running deployments, never the baseline', () => {
    expect(deploymentsToRead(undefined, ['d-1'])).toEqual([]);
    expect(
      deploymentsToRead({ 'd-1': '-', 'd-2': 'START', 'd-3': 'START,FAILURE' }, [
        'd-4',
        'd-3',
        'd-2',
        'd-1',
      ]),
    ).toEqual(['d-4', 'd-2']);
    expect(deploymentChanges(undefined, 'Failed')).toEqual(['START', 'FAILURE']);
    expect(deploymentChanges('START', 'Failed')).toEqual(['FAILURE']);
    expect(deploymentChanges('START', 'InProgress')).toEqual([]);
  });

  it('reports an alarm whose state or state time changed; a first look is a baseline', () => {
    const r = { name: 'a', kind: 'metric' as const, state: 'ALARM', at: 2_000, reason: '' };
    expect(alarmChanges(undefined, [r])).toEqual([]);
    expect(alarmChanges({ a: { state: 'ALARM', at: 2_000 } }, [r])).toEqual([]);
    expect(alarmChanges({ a: { state: 'OK', at: 1_000 } }, [r])).toEqual([r]);
  });
});

describe('occurrence dedupe ids', () => {
  it('match for a pushed and a polled stage failure', () => {
    const pushed = normaliseEvent(fixture('codepipeline-stage-failed'));
    if (pushed.kind !== 'event') throw new Error('fixture did not normalise');
    const polled = stageEventOf(
      {
        key: 'k',
        account: { region: 'us-east-1' },
        accountId: 'self',
        pipeline: 'web-app',
        stages: ['Deploy'],
      },
      { stage: 'Deploy', executionId: X, attempt: 1, state: 'FAILED' },
      Date.now(),
    );
    expect(polled.occurrenceKey).toBe(pushed.event.occurrenceKey);
    expect(occurrenceDedupeId(polled)).toBe(occurrenceDedupeId(pushed.event));
    expect(polled.id).not.toBe(pushed.event.id);
  });

  it('match for an alarm whose polled state time has no milliseconds', () => {
    const pushed = normaliseEvent(fixture('cloudwatch-alarm-raised'));
    if (pushed.kind !== 'event' || !('alarmName' in pushed.event)) throw new Error('not an alarm');
    const polled = {
      ...pushed.event,
      stateTime: '2026-11-20T14:12:40.000Z',
      occurrenceKey: 'alarm|us-east-1|web-prod-5xx|ALARM|2026-11-20T14:12:40.000Z',
    };
    expect(occurrenceDedupeId(polled)).toBe(occurrenceDedupeId(pushed.event));
    expect(occurrenceDedupeId({ ...polled, state: 'OK' })).not.toBe(
      occurrenceDedupeId(pushed.event),
    );
  });
});

describe('plan, budget and the blocking-alarm hook', () => {
  const config = parseConfig(
    `
environments:
  prod:
    channel: C0PROD
    region: us-east-1
    pipeline: web-app
    stages: { Deploy: {} }
    alarms: [web-5xx]
    blockOnAlarms: [prod-sev1]
  staging:
    channel: C0STG
    region: us-east-1
    pipeline: web-app
    stages: { Staging: {} }
    alarms: [web-5xx]
`,
    'test',
    'us-east-1',
  );

  it('polls a shared pipeline once, with every guarded stage, and alarms once per account', () => {
    const plan = pollPlan(config);
    expect(plan.pipelines).toMatchObject([{ pipeline: 'web-app', stages: ['Deploy', 'Staging'] }]);
    expect(plan.alarms).toMatchObject([{ names: ['web-5xx', 'prod-sev1'] }]);
  });

  it('refuses calls past the cap and counts only the calls made', () => {
    const counted: string[] = [];
    const b = createPollBudget(2, {
      inc: (l) => void counted.push(String((l as { operation: string }).operation)),
    });
    expect([b.take('A'), b.take('B'), b.take('C')]).toEqual([true, true, false]);
    expect(counted).toEqual(['A', 'B']);
    expect([b.used, b.refused]).toEqual([2, 1]);
  });

  it('reconciles the deploy block at once for a blocking alarm only', async () => {
    const why: string[] = [];
    const hook = reconcileOnBlockingAlarm(config, {
      reconcileNow: async (w) => void why.push(w),
    });
    const alarm = (name: string, type: 'AlarmRaised' | 'AlarmCleared') =>
      ({
        id: 'x',
        sourceEventId: 'x',
        time: '2026-01-01T00:00:00Z',
        region: 'us-east-1',
        account: '111122223333',
        occurrenceKey: 'k',
        type,
        state: type === 'AlarmRaised' ? 'ALARM' : 'OK',
        alarmName: name,
        alarmKind: 'composite',
        reason: '',
      }) as const;
    await hook(alarm('prod-sev1', 'AlarmRaised'));
    await hook(alarm('prod-sev1', 'AlarmCleared'));
    await hook(alarm('web-5xx', 'AlarmRaised'));
    expect(why).toEqual(['alarm prod-sev1 ALARM', 'alarm prod-sev1 OK']);
  });
});
