import { fileURLToPath } from 'node:url';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import {
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  RollbackStageCommand,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsSandbox, startAwsSandbox } from '../../../../src/sandbox/aws/index.js';
import { clients } from './support.js';

const DEMO = fileURLToPath(new URL('../../../../src/sandbox/aws/worlds/demo.yml', import.meta.url));
let sandbox: AwsSandbox;

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: DEMO });
});
afterAll(async () => {
  await sandbox.close();
});

describe('demo world', () => {
  it('has the web-app history, alarms and billing-api group, and rolls Deploy back', async () => {
    const us = clients(sandbox.url);
    const list = await us.codepipeline.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'web-app' }),
    );
    const summaries = list.pipelineExecutionSummaries ?? [];
    expect(summaries.map((s) => s.status)).toEqual([
      'Failed',
      'Succeeded',
      'Succeeded',
      'Succeeded',
      'Succeeded',
    ]);
    expect(summaries[0]?.sourceRevisions?.[0]?.revisionUrl).toBe(
      'https://github.com/acme/web-app/commit/8f14e45fceea167a5a36dedd4bea2543e5c1a9b2',
    );
    const target = summaries[1]!.pipelineExecutionId!;
    const { pipelineExecutionId } = await us.codepipeline.send(
      new RollbackStageCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        targetPipelineExecutionId: target,
      }),
    );
    sandbox.control.advance(2 * 60_000);
    const done = await us.codepipeline.send(
      new GetPipelineExecutionCommand({ pipelineName: 'web-app', pipelineExecutionId }),
    );
    expect(done.pipelineExecution).toMatchObject({
      status: 'Succeeded',
      executionType: 'ROLLBACK',
    });

    const alarms = await us.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
    );
    expect(
      [...(alarms.MetricAlarms ?? []), ...(alarms.CompositeAlarms ?? [])].map((a) => a.AlarmName),
    ).toEqual(['web-prod-5xx', 'web-prod-latency-p99', 'prod-sev1']);
    const eu = clients(sandbox.url, 'eu-west-1');
    const g = await eu.codedeploy.send(
      new GetDeploymentGroupCommand({
        applicationName: 'billing-api',
        deploymentGroupName: 'prod-eu',
      }),
    );
    expect(g.deploymentGroupInfo?.lastSuccessfulDeployment?.deploymentId).toBe('d-3N6PX9C4D');
  });

  it('raises the alarm after a successful release when the scenario says so', () => {
    sandbox.control.startExecution('web-app', {
      revision: { id: 'a'.repeat(40), message: 'risky' },
      outcome: { alarmAfterSuccess: { alarm: 'web-prod-5xx', afterMs: 5 * 60_000 } },
    });
    sandbox.control.runUntilIdle();
    const alarmEvents = sandbox.control
      .events()
      .filter((e) => e['detail-type'] === 'CloudWatch Alarm State Change')
      .map((e) => [e.detail.alarmName, (e.detail.state as { value: string }).value]);
    expect(alarmEvents).toEqual([
      ['web-prod-5xx', 'ALARM'],
      ['prod-sev1', 'ALARM'],
    ]);
  });
});

describe('real-time mode', () => {
  it('runs executions with the configured stage duration on the wall clock', async () => {
    const rt = await startAwsSandbox({
      world: DEMO,
      time: { mode: 'realtime', stageDurationMs: 40, speed: 1 },
    });
    try {
      const done = new Promise<string>((resolve) => {
        rt.control.onEvent((e) => {
          if (
            e['detail-type'] === 'CodePipeline Pipeline Execution State Change' &&
            e.detail.state !== 'STARTED'
          ) {
            resolve(String(e.detail.state));
          }
        });
      });
      rt.control.startExecution('web-app', { revision: { id: 'b'.repeat(40) } });
      expect(await done).toBe('SUCCEEDED');
    } finally {
      await rt.close();
    }
  });
});
