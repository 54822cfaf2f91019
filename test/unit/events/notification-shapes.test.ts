// CodeStar Notifications events and CloudWatch alarm actions map to the same domain events, and
// the same occurrences, as the EventBridge events of the same happenings.
import { describe, expect, it } from 'vitest';
import { regionOfDisplayName } from '../../../src/events/aws-region-names.js';
import type { DomainEvent } from '../../../src/events/domain-event.js';
import { actionFailureIn, failedStageIn } from '../../../src/events/failed-stage.js';
import { normaliseEvent, stageFailureOf } from '../../../src/events/normalise.js';
import { occurrenceDedupeId } from '../../../src/events/occurrence-dedupe.js';
import { shapeOf } from '../../../src/events/unreadable-shapes.js';
import {
  type FixtureName,
  fixture,
  type SnsMessageFixtureName,
  snsMessageFixture,
} from '../../fixtures/aws-events.js';

function read(raw: unknown): { event: DomainEvent; shape: string } {
  const r = normaliseEvent(raw);
  if (r.kind !== 'event') throw new Error(`did not normalise: ${JSON.stringify(r)}`);
  return r;
}
const eb = (name: FixtureName) => read(fixture(name)).event;
const sns = (name: SnsMessageFixtureName) => read(snsMessageFixture(name));

describe('CodeStar Notifications events', () => {
  it('a stage FAILED is the StageFailed of the EventBridge event, with an id from its content', () => {
    const { event, shape } = sns('codestar-stage-failed');
    expect(shape).toBe('codestar-notification');
    const expected = eb('codepipeline-stage-failed');
    expect(event).toMatchObject({
      type: 'StageFailed',
      pipeline: 'web-app',
      stage: 'Deploy',
      executionId: expected.type === 'StageFailed' ? expected.executionId : '',
      region: 'us-east-1',
      account: '111122223333',
      time: '2026-11-20T14:03:27.000Z',
    });
    expect(event.occurrenceKey).toBe(expected.occurrenceKey);
    expect(event.sourceEventId).toMatch(/^n-[0-9a-f]{32}$/);
    expect(event.id).toBe(`aws-${event.sourceEventId}`);
    // The same notification (an SNS redelivery) is named the same; another one is not.
    expect(sns('codestar-stage-failed').event.id).toBe(event.id);
    const other = { ...snsMessageFixture('codestar-stage-failed'), time: '2026-11-20T14:03:29Z' };
    expect(read(other).event.id).not.toBe(event.id);
  });

  it('a pipeline FAILED names its failed stage from additionalAttributes', () => {
    const { event } = sns('codestar-pipeline-failed');
    expect(event).toMatchObject({ type: 'PipelineFailed', failedStage: 'Deploy' });
    // EventBridge's pipeline FAILED names no stage.
    expect(eb('codepipeline-pipeline-failed')).not.toHaveProperty('failedStage');
  });

  it('an action FAILED keeps its stage and result', () => {
    expect(sns('codestar-action-failed').event).toMatchObject({
      type: 'ActionFailed',
      stage: 'Deploy',
      action: 'DeployToFleet',
      externalExecutionId: 'd-7QXZ4M2BA',
    });
  });

  it('an unreadable CodeStar event is invalid, naming what is missing', () => {
    const raw = snsMessageFixture('codestar-stage-failed');
    delete raw.account;
    expect(normaliseEvent(raw)).toMatchObject({ kind: 'invalid', reason: /account/ });
  });
});

describe('a pipeline- or action-level FAILED read as its stage FAILED', () => {
  it('has the stage FAILED occurrence, whichever level and route reported it', () => {
    const stageKey = occurrenceDedupeId(eb('codepipeline-stage-failed'));
    const levels = [
      eb('codepipeline-pipeline-failed'),
      eb('codepipeline-action-failed'),
      sns('codestar-pipeline-failed').event,
      sns('codestar-action-failed').event,
    ];
    for (const e of levels) {
      if (e.type !== 'PipelineFailed' && e.type !== 'ActionFailed') throw new Error(e.type);
      const s = stageFailureOf(e, 'Deploy');
      expect(s).toMatchObject({ type: 'StageFailed', state: 'FAILED', stage: 'Deploy', id: e.id });
      expect(occurrenceDedupeId(s)).toBe(stageKey);
    }
    expect(stageFailureOf(levels[0] as never, 'Deploy').reportedAs).toBe('pipeline');
    expect(stageFailureOf(levels[1] as never, 'Deploy').reportedAs).toBe('action');
  });

  const view = (stage: string, latestExecutionId: string, latestStatus: string) => ({
    stage,
    latestExecutionId,
    latestStatus,
    inboundEnabled: true,
  });

  it('finds the stage GetPipelineState shows failed in the execution', () => {
    const stages = [view('Build', 'e1', 'Succeeded'), view('Deploy', 'e1', 'Failed')];
    expect(failedStageIn(stages, 'e1')).toBe('Deploy');
    expect(failedStageIn(stages, 'e2')).toBeUndefined();
  });

  it("waits for an action's stage to end; a later execution there means it ended", () => {
    const e = eb('codepipeline-action-failed');
    if (e.type !== 'ActionFailed') throw new Error(e.type);
    const x = e.executionId;
    expect(actionFailureIn([view('Deploy', x, 'InProgress')], e)).toBe('stage-running');
    expect(actionFailureIn([view('Deploy', x, 'Failed')], e)).toBe('stage-failed');
    expect(actionFailureIn([view('Deploy', x, 'Succeeded')], e)).toBe('stage-recovered');
    expect(actionFailureIn([view('Deploy', 'newer', 'InProgress')], e)).toBe('stage-failed');
  });
});

describe('CloudWatch alarm actions', () => {
  it('a metric alarm action is the AlarmRaised of the EventBridge event, the same occurrence', () => {
    const { event, shape } = sns('cloudwatch-alarm-action');
    expect(shape).toBe('alarm-action');
    const expected = eb('cloudwatch-alarm-raised');
    expect(event).toMatchObject({
      type: 'AlarmRaised',
      alarmName: 'web-prod-5xx',
      alarmKind: 'metric',
      state: 'ALARM',
      previousState: 'OK',
      region: 'us-east-1',
      account: '111122223333',
      stateTime: '2026-11-20T14:12:40.205Z',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-prod-5xx',
    });
    expect(occurrenceDedupeId(event)).toBe(occurrenceDedupeId(expected));
  });

  it('a composite alarm action names its triggering alarms', () => {
    expect(sns('cloudwatch-composite-alarm-action').event).toMatchObject({
      alarmKind: 'composite',
      triggeringAlarms: ['web-prod-5xx'],
    });
  });

  it('reads the region from the display name when there is no AlarmArn', () => {
    const raw = snsMessageFixture('cloudwatch-alarm-action');
    delete raw.AlarmArn;
    raw.Region = 'EU (Ireland)';
    expect(read(raw).event.region).toBe('eu-west-1');
    raw.Region = 'Atlantis (North)';
    expect(normaliseEvent(raw)).toMatchObject({ kind: 'invalid', reason: /unknown region/ });
  });

  it.each([
    ['US East (N. Virginia)', 'us-east-1'],
    ['Asia Pacific (Sydney)', 'ap-southeast-2'],
    ['EU (London)', 'eu-west-2'],
    ['Europe (London)', 'eu-west-2'],
    ['South America (São Paulo)', 'sa-east-1'],
  ])('knows the region %s', (name, code) => {
    expect(regionOfDisplayName(name)).toBe(code);
  });
});

describe('what the intake cannot read', () => {
  it('names a shape by source, detail-type and top-level keys, never by values', () => {
    const raw = {
      source: 'aws.codebuild',
      'detail-type': 'CodeBuild Build State Change',
      id: 'x1',
    };
    expect(shapeOf(raw)).toBe('aws.codebuild|CodeBuild Build State Change|detail-type,id,source');
    expect(shapeOf({ ...raw, id: 'x2' })).toBe(shapeOf(raw));
    expect(shapeOf('plain text')).toBe('text');
  });

  it('flags an unknown detail-type as unreadable, an unknown state not', () => {
    const unknown = { ...fixture('codepipeline-stage-failed'), 'detail-type': 'Something New' };
    expect(normaliseEvent(unknown)).toMatchObject({ kind: 'ignored', unreadable: true });
    const state = fixture('codepipeline-stage-failed');
    state.detail.state = 'PAUSED';
    expect(normaliseEvent(state)).not.toHaveProperty('unreadable');
  });
});
