import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../src/events/domain-event.js';
import { domainEventId, normaliseEvent } from '../../../src/events/normalise.js';
import {
  FIXTURE_DIR,
  FIXTURE_NAMES,
  type FixtureName,
  fixture,
  fixtureText,
} from '../../fixtures/aws-events.js';

const trigger = (commitId: string) => ({
  type: 'Webhook',
  detail: 'arn:aws:codestar-connections:us-east-1:111122223333:connection/0a1b2c3d',
  commitId,
  branch: 'main',
  repository: 'acme/web-app',
});
const FAILED_EXECUTION = '9d2b7c4e-6a1f-4e2b-8c3d-5f7a9b1c2d3e';

const EXPECTED: Record<FixtureName, DomainEvent> = {
  'codepipeline-stage-succeeded': {
    id: 'aws-0e3c9a77-1b2d-4f5e-8a9b-6c7d8e9f0a12',
    sourceEventId: '0e3c9a77-1b2d-4f5e-8a9b-6c7d8e9f0a12',
    time: '2026-11-20T11:41:09.000Z',
    region: 'us-east-1',
    account: '111122223333',
    occurrenceKey:
      'stage|us-east-1|web-app|Deploy|3c1e5a7b-9d2f-4b6a-8e1c-0f2a4b6c8d0e|1|SUCCEEDED',
    type: 'StageSucceeded',
    state: 'SUCCEEDED',
    pipeline: 'web-app',
    executionId: '3c1e5a7b-9d2f-4b6a-8e1c-0f2a4b6c8d0e',
    attempt: 1,
    pipelineVersion: 7,
    trigger: trigger('c4ca4238a0b923820dcc509a6f75849b2e1f3d4a'),
    commitId: 'c4ca4238a0b923820dcc509a6f75849b2e1f3d4a',
    startTime: '2026-11-20T11:30:44.120Z',
    stage: 'Deploy',
  },
  'codepipeline-stage-failed': {
    id: 'aws-5b7f0c1e-2d4a-4c1b-9a8e-3f6d2e1c0a91',
    sourceEventId: '5b7f0c1e-2d4a-4c1b-9a8e-3f6d2e1c0a91',
    time: '2026-11-20T14:03:27.000Z',
    region: 'us-east-1',
    account: '111122223333',
    occurrenceKey: `stage|us-east-1|web-app|Deploy|${FAILED_EXECUTION}|1|FAILED`,
    type: 'StageFailed',
    state: 'FAILED',
    pipeline: 'web-app',
    executionId: FAILED_EXECUTION,
    attempt: 1,
    pipelineVersion: 7,
    trigger: trigger('8f14e45fceea167a5a36dedd4bea2543e5c1a9b2'),
    commitId: '8f14e45fceea167a5a36dedd4bea2543e5c1a9b2',
    startTime: '2026-11-20T13:58:02.511Z',
    stage: 'Deploy',
  },
  'codepipeline-pipeline-failed': {
    id: 'aws-a9f1c3e5-7b2d-4e6f-9a1b-2c3d4e5f6a7b',
    sourceEventId: 'a9f1c3e5-7b2d-4e6f-9a1b-2c3d4e5f6a7b',
    time: '2026-11-20T14:03:28.000Z',
    region: 'us-east-1',
    account: '111122223333',
    occurrenceKey: `pipeline|us-east-1|web-app|${FAILED_EXECUTION}|1|FAILED`,
    type: 'PipelineFailed',
    state: 'FAILED',
    pipeline: 'web-app',
    executionId: FAILED_EXECUTION,
    attempt: 1,
    pipelineVersion: 7,
    trigger: {
      type: 'Webhook',
      detail: 'arn:aws:codestar-connections:us-east-1:111122223333:connection/0a1b2c3d',
    },
    startTime: '2026-11-20T13:58:02.511Z',
  },
  'codepipeline-action-failed': {
    id: 'aws-b2c4d6e8-0a1b-4c3d-8e5f-7a9b1c3d5e7f',
    sourceEventId: 'b2c4d6e8-0a1b-4c3d-8e5f-7a9b1c3d5e7f',
    time: '2026-11-20T14:03:26.000Z',
    region: 'us-east-1',
    account: '111122223333',
    occurrenceKey:
      'action|us-east-1|web-app|Deploy|DeployToFleet|e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b|FAILED',
    type: 'ActionFailed',
    state: 'FAILED',
    pipeline: 'web-app',
    executionId: FAILED_EXECUTION,
    attempt: 1,
    pipelineVersion: 7,
    startTime: '2026-11-20T13:58:02.511Z',
    stage: 'Deploy',
    action: 'DeployToFleet',
    actionExecutionId: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
    provider: 'CodeDeploy',
    category: 'Deploy',
    externalExecutionId: 'd-7QXZ4M2BA',
    externalExecutionUrl:
      'https://console.aws.amazon.com/codedeploy/home?region=us-east-1#/deployments/d-7QXZ4M2BA',
    externalExecutionSummary: 'Deployment d-7QXZ4M2BA failed',
    errorCode: 'JobFailed',
  },
  'codedeploy-deployment-failed': {
    id: 'aws-c3d5e7f9-1a2b-4c4d-9e6f-8a0b2c4d6e8f',
    sourceEventId: 'c3d5e7f9-1a2b-4c4d-9e6f-8a0b2c4d6e8f',
    time: '2026-11-20T16:22:51.000Z',
    region: 'eu-west-1',
    account: '111122223333',
    occurrenceKey: 'deployment|eu-west-1|d-9KWL2RT7C|FAILURE',
    type: 'DeploymentFailed',
    state: 'FAILURE',
    application: 'billing-api',
    deploymentGroup: 'prod-eu',
    deploymentId: 'd-9KWL2RT7C',
    instanceGroupId: '4f6a8c0e-2b4d-4f6a-8c0e-2b4d6f8a0c2e',
  },
  'cloudwatch-alarm-raised': {
    id: 'aws-d4e6f8a0-2b3c-4d5e-af70-9b1c3d5e7f90',
    sourceEventId: 'd4e6f8a0-2b3c-4d5e-af70-9b1c3d5e7f90',
    time: '2026-11-20T14:12:40.000Z',
    region: 'us-east-1',
    account: '111122223333',
    occurrenceKey: 'alarm|us-east-1|web-prod-5xx|ALARM|2026-11-20T14:12:40.205Z',
    type: 'AlarmRaised',
    alarmName: 'web-prod-5xx',
    alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-prod-5xx',
    alarmKind: 'metric',
    state: 'ALARM',
    previousState: 'OK',
    reason:
      'Threshold Crossed: 2 out of the last 2 datapoints [131.0 (20/11/26 14:11:00), 97.0 (20/11/26 14:10:00)] were greater than the threshold (25.0).',
    stateTime: '2026-11-20T14:12:40.205Z',
  },
  'cloudwatch-composite-alarm-raised': {
    id: 'aws-e5f7a9b1-3c4d-4e6f-8b81-0c2d4e6f8a01',
    sourceEventId: 'e5f7a9b1-3c4d-4e6f-8b81-0c2d4e6f8a01',
    time: '2026-11-20T14:13:02.000Z',
    region: 'us-east-1',
    account: '111122223333',
    occurrenceKey: 'alarm|us-east-1|prod-sev1|ALARM|2026-11-20T14:13:02.310Z',
    type: 'AlarmRaised',
    alarmName: 'prod-sev1',
    alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:prod-sev1',
    alarmKind: 'composite',
    state: 'ALARM',
    previousState: 'OK',
    reason:
      'arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-prod-5xx transitioned to ALARM at Friday 20 November, 2026 14:12:40 UTC',
    stateTime: '2026-11-20T14:13:02.310Z',
    triggeringAlarms: ['web-prod-5xx'],
  },
};

describe('normaliseEvent: the shared fixtures', () => {
  it('covers every fixture file', () => {
    expect(FIXTURE_NAMES).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(FIXTURE_NAMES)('%s', (name) => {
    expect(normaliseEvent(fixture(name))).toStrictEqual({
      kind: 'event',
      event: EXPECTED[name],
      shape: 'eventbridge',
    });
  });

  const shared = path.resolve(FIXTURE_DIR, '../../../../shared/fixtures/aws-events');
  it.skipIf(!existsSync(shared))(
    'copies hold the same JSON as ../shared/fixtures/aws-events',
    () => {
      for (const name of FIXTURE_NAMES) {
        expect(JSON.parse(fixtureText(name))).toEqual(
          JSON.parse(readFileSync(path.join(shared, `${name}.json`), 'utf8')),
        );
      }
    },
  );
});

describe('normaliseEvent: states of each kind', () => {
  const withDetail = (name: FixtureName, patch: Record<string, unknown>) => {
    const e = fixture(name);
    e.detail = { ...e.detail, ...patch };
    return normaliseEvent(e);
  };
  const typeOf = (r: ReturnType<typeof normaliseEvent>) =>
    r.kind === 'event' ? r.event.type : r.kind;

  it.each([
    ['STARTED', 'PipelineStarted'],
    ['SUCCEEDED', 'PipelineSucceeded'],
    ['CANCELED', 'PipelineCanceled'],
    ['RESUMED', 'PipelineResumed'],
    ['STOPPED', 'PipelineStopped'],
    ['STOPPING', 'PipelineStopping'],
    ['SUPERSEDED', 'PipelineSuperseded'],
  ])('pipeline %s → %s', (state, type) => {
    expect(typeOf(withDetail('codepipeline-pipeline-failed', { state }))).toBe(type);
  });

  it.each([
    ['STARTED', 'StageStarted'],
    ['CANCELED', 'StageCanceled'],
    ['RESUMED', 'StageResumed'],
    ['STOPPED', 'StageStopped'],
    ['STOPPING', 'StageStopping'],
  ])('stage %s → %s', (state, type) => {
    expect(typeOf(withDetail('codepipeline-stage-failed', { state }))).toBe(type);
  });

  it.each([
    ['STARTED', 'ActionStarted'],
    ['SUCCEEDED', 'ActionSucceeded'],
    ['CANCELED', 'ActionCanceled'],
    ['ABANDONED', 'ActionAbandoned'],
  ])('action %s → %s', (state, type) => {
    expect(typeOf(withDetail('codepipeline-action-failed', { state }))).toBe(type);
  });

  it.each([
    ['START', 'DeploymentStarted'],
    ['SUCCESS', 'DeploymentSucceeded'],
    ['STOP', 'DeploymentStopped'],
    ['READY', 'DeploymentReady'],
  ])('deployment %s → %s', (state, type) => {
    expect(typeOf(withDetail('codedeploy-deployment-failed', { state }))).toBe(type);
  });

  it('an alarm back to OK is AlarmCleared, with ALARM as the previous state', () => {
    const e = fixture('cloudwatch-alarm-raised');
    const d = e.detail as { state: { value: string }; previousState: { value: string } };
    d.state.value = 'OK';
    d.previousState.value = 'ALARM';
    const r = normaliseEvent(e);
    expect(r.kind === 'event' && r.event).toMatchObject({
      type: 'AlarmCleared',
      state: 'OK',
      previousState: 'ALARM',
    });
  });

  it('INSUFFICIENT_DATA is AlarmInsufficientData', () => {
    const e = fixture('cloudwatch-composite-alarm-raised');
    (e.detail as { state: { value: string } }).state.value = 'INSUFFICIENT_DATA';
    expect(typeOf(normaliseEvent(e))).toBe('AlarmInsufficientData');
  });
});

describe('normaliseEvent: what it does not act on', () => {
  it('ignores unknown detail-types', () => {
    const e = {
      ...fixture('codepipeline-stage-failed'),
      'detail-type': 'EC2 Instance State-change Notification',
    };
    expect(normaliseEvent(e)).toEqual({
      kind: 'ignored',
      reason: 'unknown detail-type',
      sourceEventId: '5b7f0c1e-2d4a-4c1b-9a8e-3f6d2e1c0a91',
      unreadable: true,
    });
  });

  it('ignores a custom event posing as CodePipeline (source is not aws.codepipeline)', () => {
    const e = { ...fixture('codepipeline-stage-failed'), source: 'acme.deployer' };
    expect(normaliseEvent(e)).toMatchObject({ kind: 'ignored', reason: 'unexpected source' });
  });

  it('ignores states it does not know', () => {
    const e = fixture('codepipeline-stage-failed');
    e.detail.state = 'PAUSED';
    expect(normaliseEvent(e)).toMatchObject({ kind: 'ignored', reason: 'unknown state PAUSED' });
  });

  it('calls a known detail-type without a field it needs invalid, naming the field', () => {
    const e = fixture('codepipeline-stage-failed');
    delete e.detail.stage;
    expect(normaliseEvent(e)).toMatchObject({ kind: 'invalid' });
    const r = normaliseEvent(e);
    expect(r.kind === 'invalid' && r.reason).toMatch(/^detail\.stage: /);
  });

  it.each([null, 'text', [], { id: 'x' }])('calls %j not an EventBridge event', (raw) => {
    expect(normaliseEvent(raw)).toEqual({ kind: 'invalid', reason: 'not an EventBridge event' });
  });

  it('calls an unparseable time invalid', () => {
    const e = { ...fixture('codedeploy-deployment-failed'), time: 'yesterday' };
    expect(normaliseEvent(e)).toMatchObject({ kind: 'invalid', reason: 'time is not a date' });
  });
});

describe('normaliseEvent: tolerance', () => {
  it('ignores fields it does not know, at every level', () => {
    const e = fixture('codepipeline-stage-failed');
    e.newTopLevel = { a: 1 };
    e.detail.newDetail = 'x';
    (e.detail['execution-trigger'] as Record<string, unknown>).extra = true;
    expect(normaliseEvent(e)).toStrictEqual({
      kind: 'event',
      event: EXPECTED['codepipeline-stage-failed'],
      shape: 'eventbridge',
    });
  });

  it('reads an optional field of an unexpected type as absent', () => {
    const e = fixture('codepipeline-stage-failed');
    e.detail.version = 'seven';
    e.detail['execution-trigger'] = 'webhook';
    const r = normaliseEvent(e);
    expect(r.kind).toBe('event');
    const event = r.kind === 'event' ? r.event : undefined;
    expect(event).not.toHaveProperty('pipelineVersion');
    expect(event).not.toHaveProperty('trigger');
    expect(event).not.toHaveProperty('commitId');
  });

  it('cuts a long alarm reason to 1000 characters', () => {
    const e = fixture('cloudwatch-alarm-raised');
    (e.detail as { state: { reason: string } }).state.reason = 'x'.repeat(5000);
    const r = normaliseEvent(e);
    expect(r.kind === 'event' && 'reason' in r.event && r.event.reason.length).toBe(1000);
  });

  it('leaves triggeringAlarms out when reasonData is not JSON', () => {
    const e = fixture('cloudwatch-composite-alarm-raised');
    (e.detail as { state: { reasonData: string } }).state.reasonData = '{oops';
    const r = normaliseEvent(e);
    expect(r.kind).toBe('event');
    expect(r.kind === 'event' && r.event).not.toHaveProperty('triggeringAlarms');
  });
});

describe('domainEventId', () => {
  it('prefixes a plain id, so it is never all digits', () => {
    expect(domainEventId('12345')).toBe('aws-12345');
  });

  it('hashes an id BullMQ would refuse (colon) or that is oddly shaped', () => {
    const a = domainEventId('a:b');
    expect(a).toMatch(/^aws-h[0-9a-f]{40}$/);
    expect(domainEventId('a:b')).toBe(a);
    expect(domainEventId('a:c')).not.toBe(a);
    expect(domainEventId('x'.repeat(201))).toMatch(/^aws-h/);
  });
});
