// The sandbox's other SNS shapes: a pipeline's CodeStar notification rule and an alarm's SNS
// action, shaped like the fixtures in test/fixtures/aws-events/sns-messages; and `detailTypes`,
// a rule's filter.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsSandbox, startAwsSandbox } from '../../../../src/sandbox/aws/index.js';
import { type SnsMessageFixtureName, snsMessageFixture } from '../../../fixtures/aws-events.js';
import { testWorld } from './support.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:rollback-bot-events';

/** The keys of a JSON value, recursively (arrays by their first element). */
function keys(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [keys(v[0])] : [];
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, keys((v as Record<string, unknown>)[k])]),
    );
  }
  return v === null ? 'null' : typeof v;
}

async function receiver() {
  const received: Array<{ subject?: string; message: Record<string, unknown> }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      received.push({ subject: n.Subject, message: JSON.parse(n.Message) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/aws/events`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let sandbox: AwsSandbox;
let rx: Awaited<ReturnType<typeof receiver>>;
beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: testWorld() });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
  rx = await receiver();
});
afterEach(async () => {
  sandbox.control.unsubscribeAll();
  await rx.close();
});

const like = (name: SnsMessageFixtureName) => keys(snsMessageFixture(name));
const of = (detailType: string, state: string) =>
  rx.received
    .map((r) => r.message)
    .find((m) => m.detailType === detailType && (m.detail as { state: string }).state === state);

describe('CodeStar Notifications', () => {
  it('publishes every level of a failure as the notification rule does, naming the failed stage', async () => {
    sandbox.control.subscribe(rx.url, { sns: { topicArn: TOPIC }, codestarNotifications: true });
    const { pipelineExecutionId } = sandbox.control.startExecution('web-app', {
      revision: { id: 'f'.repeat(40) },
      outcome: { failStage: 'Deploy' },
    });
    sandbox.control.runUntilIdle();
    await sandbox.control.flushEvents();
    expect(rx.received.every((r) => !('detail-type' in r.message) && !('id' in r.message))).toBe(
      true,
    );

    const action = of('CodePipeline Action Execution State Change', 'FAILED');
    const stage = of('CodePipeline Stage Execution State Change', 'FAILED');
    const pipeline = of('CodePipeline Pipeline Execution State Change', 'FAILED');
    // At least the fields of the captured notifications (the sandbox's detail also has start-time).
    expect(keys(stage)).toMatchObject(like('codestar-stage-failed') as object);
    expect(keys(pipeline)).toMatchObject(like('codestar-pipeline-failed') as object);
    expect(keys(action)).toMatchObject({
      additionalAttributes: { additionalInformation: 'string' },
    });
    expect(pipeline).toMatchObject({
      detail: { 'execution-id': pipelineExecutionId, state: 'FAILED' },
      additionalAttributes: {
        failedStage: 'Deploy',
        failedActionCount: 1,
        failedActions: [{ action: 'DeployToFleet' }],
      },
    });
    expect(stage?.additionalAttributes).toEqual({
      failedActionCount: 1,
      failedActions: (pipeline!.additionalAttributes as { failedActions: unknown }).failedActions,
    });
  });
});

describe('alarm actions', () => {
  it('publishes a state change as the alarm SNS action, with a display-name region', async () => {
    sandbox.control.subscribe(rx.url, { sns: { topicArn: TOPIC }, alarmActions: true });
    sandbox.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    await sandbox.control.flushEvents();
    const metric = rx.received.find((r) => r.message.AlarmName === 'web-prod-5xx');
    const composite = rx.received.find((r) => r.message.AlarmName === 'prod-sev1');
    expect(metric?.subject).toBe('ALARM: "web-prod-5xx" in US East (N. Virginia)');
    expect(metric?.message).toMatchObject({
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      Region: 'US East (N. Virginia)',
      AWSAccountId: '111122223333',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-prod-5xx',
      StateChangeTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
    });
    const {
      AlarmConfigurationUpdatedTimestamp: _,
      Trigger,
      ...expected
    } = like('cloudwatch-alarm-action') as Record<string, unknown>;
    const { Trigger: sent, ...message } = metric!.message;
    expect(keys(message)).toEqual(expected);
    expect(Object.keys(sent as object)).toEqual(
      expect.arrayContaining(['MetricName', 'Namespace', 'Statistic', 'Dimensions', 'Period']),
    );
    expect(Trigger).toBeDefined();
    expect(composite?.message).toMatchObject({
      AlarmRule: expect.stringContaining('web-prod-5xx'),
      TriggeringChildren: [
        {
          Arn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-prod-5xx',
          State: { Value: 'ALARM' },
        },
      ],
    });
  });
});

describe('detailTypes', () => {
  it('delivers only the detail-types a rule would forward', async () => {
    sandbox.control.subscribe(rx.url, {
      sns: { topicArn: TOPIC },
      detailTypes: ['CodePipeline Pipeline Execution State Change'],
    });
    sandbox.control.startExecution('web-app', { revision: { id: 'e'.repeat(40) } });
    sandbox.control.runUntilIdle();
    await sandbox.control.flushEvents();
    expect(rx.received.length).toBeGreaterThan(0);
    expect(new Set(rx.received.map((r) => r.message['detail-type']))).toEqual(
      new Set(['CodePipeline Pipeline Execution State Change']),
    );
  });
});
