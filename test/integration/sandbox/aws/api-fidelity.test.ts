// Where the local endpoint follows the API reference rather than convenience: run order and
// parallel actions, SetAlarmState's JSON check, GetPipeline's artifacts, and the pipeline name
// pattern — each through the real SDK clients, so a difference shows as the SDK sees it.
import {
  DescribeAlarmsCommand,
  InvalidFormatFault,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DisableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PipelineNotFoundException,
  ValidationException,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsSandbox, startAwsSandbox, type World } from '../../../../src/sandbox/aws/index.js';
import { clients, testWorld } from './support.js';

/** The test world, plus a pipeline whose Deploy stage runs two actions at once, then a third. */
function world(): World {
  const w = testWorld();
  w.pipelines!.push({
    name: 'fan-out',
    region: 'us-east-1',
    stageDuration: '60s',
    stages: [
      { name: 'Source', actions: [{ name: 'Source', category: 'Source', provider: 'S3' }] },
      {
        name: 'Deploy',
        duration: '90s',
        actions: [
          { name: 'DeployBlue', provider: 'CodeDeploy' },
          { name: 'DeployGreen', provider: 'ECS' },
          {
            name: 'Verify',
            category: 'Test',
            provider: 'CodeBuild',
            runOrder: 2,
            inputArtifacts: ['SourceArtifact'],
            outputArtifacts: ['VerifyReport'],
          },
        ],
      },
    ],
  });
  return w;
}

let sandbox: AwsSandbox;
let cp: ReturnType<typeof clients>['codepipeline'];
let cw: ReturnType<typeof clients>['cloudwatch'];

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: world() });
  ({ codepipeline: cp, cloudwatch: cw } = clients(sandbox.url));
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
});

const actionTrail = (executionId: string) =>
  sandbox.control
    .events()
    .filter(
      (e) =>
        e.detail['execution-id'] === executionId &&
        e['detail-type'] !== 'CodePipeline Pipeline Execution State Change' &&
        e.detail.stage === 'Deploy',
    )
    .map((e) => `${String(e.detail.action ?? 'stage')} ${String(e.detail.state)} @${e.time}`);

describe('run order', () => {
  it('GetPipeline says runOrder 1 for actions that set none', async () => {
    const { pipeline } = await cp.send(new GetPipelineCommand({ name: 'fan-out' }));
    const deploy = pipeline?.stages?.find((s) => s.name === 'Deploy');
    expect(deploy?.actions?.map((a) => [a.name, a.runOrder])).toEqual([
      ['DeployBlue', 1],
      ['DeployGreen', 1],
      ['Verify', 2],
    ]);
    const web = await cp.send(new GetPipelineCommand({ name: 'web-app' }));
    expect(web.pipeline?.stages?.map((s) => s.actions?.map((a) => a.runOrder))).toEqual([
      [1],
      [1],
      [1, 2],
    ]);
  });

  it('runs actions of one run order in parallel, the next run order after them', async () => {
    const { pipelineExecutionId: id } = sandbox.control.startExecution('fan-out', {
      revision: { id: 'f'.repeat(40) },
    });
    sandbox.control.runUntilIdle();
    // Source takes 60 s; Deploy's 90 s are split over its two run orders, 45 s each.
    expect(actionTrail(id)).toEqual([
      'stage STARTED @2026-11-20T15:01:00Z',
      'DeployBlue STARTED @2026-11-20T15:01:00Z',
      'DeployGreen STARTED @2026-11-20T15:01:00Z',
      'DeployBlue SUCCEEDED @2026-11-20T15:01:45Z',
      'DeployGreen SUCCEEDED @2026-11-20T15:01:45Z',
      'Verify STARTED @2026-11-20T15:01:45Z',
      'Verify SUCCEEDED @2026-11-20T15:02:30Z',
      'stage SUCCEEDED @2026-11-20T15:02:30Z',
    ]);
    const { actionExecutionDetails } = await cp.send(
      new ListActionExecutionsCommand({
        pipelineName: 'fan-out',
        filter: { pipelineExecutionId: id },
      }),
    );
    const started = (name: string) =>
      actionExecutionDetails?.find((a) => a.actionName === name)?.startTime?.getTime();
    expect(started('DeployBlue')).toBe(started('DeployGreen'));
    expect(started('Verify')).toBeGreaterThan(started('DeployBlue')!);
  });

  it('a failing action fails the stage once its parallel neighbours end; the next run order never starts', async () => {
    const { pipelineExecutionId: id } = sandbox.control.startExecution('fan-out', {
      revision: { id: 'e'.repeat(40) },
      outcome: { failAction: 'DeployBlue' },
    });
    sandbox.control.runUntilIdle();
    expect(actionTrail(id).map((t) => t.replace(/ @.*/, ''))).toEqual([
      'stage STARTED',
      'DeployBlue STARTED',
      'DeployGreen STARTED',
      'DeployBlue FAILED',
      'DeployGreen SUCCEEDED',
      'stage FAILED',
    ]);
    const { pipelineExecution } = await cp.send(
      new GetPipelineExecutionCommand({ pipelineName: 'fan-out', pipelineExecutionId: id }),
    );
    expect(pipelineExecution?.status).toBe('Failed');
  });
});

describe('GetPipeline artifacts', () => {
  it("returns each action's inputArtifacts and outputArtifacts", async () => {
    const { pipeline } = await cp.send(new GetPipelineCommand({ name: 'web-app' }));
    const artifacts = pipeline?.stages?.flatMap((s) =>
      (s.actions ?? []).map((a) => [
        a.name,
        a.inputArtifacts?.map((x) => x.name),
        a.outputArtifacts?.map((x) => x.name),
      ]),
    );
    expect(artifacts).toEqual([
      ['Source', [], ['SourceArtifact']],
      ['Build', ['SourceArtifact'], ['BuildArtifact']],
      ['DeployToFleet', ['BuildArtifact'], []],
      ['SmokeTest', ['BuildArtifact'], []],
    ]);
    const fanOut = await cp.send(new GetPipelineCommand({ name: 'fan-out' }));
    const verify = fanOut.pipeline?.stages?.[1]?.actions?.find((a) => a.name === 'Verify');
    expect(verify?.inputArtifacts).toEqual([{ name: 'SourceArtifact' }]);
    expect(verify?.outputArtifacts).toEqual([{ name: 'VerifyReport' }]);
    const blue = fanOut.pipeline?.stages?.[1]?.actions?.find((a) => a.name === 'DeployBlue');
    expect(blue?.inputArtifacts).toEqual([{ name: 'SourceArtifact' }]);
  });

  it("names the same input artifacts in the action's events", async () => {
    const { pipelineExecutionId: id } = sandbox.control.startExecution('web-app', {
      revision: { id: 'a'.repeat(40) },
    });
    sandbox.control.runUntilIdle();
    const inputs = sandbox.control
      .events()
      .filter(
        (e) =>
          e['detail-type'] === 'CodePipeline Action Execution State Change' &&
          e.detail['execution-id'] === id &&
          e.detail.state === 'STARTED',
      )
      .map((e) => [
        e.detail.action,
        (e.detail['input-artifacts'] as Array<{ name: string }> | undefined)?.map((a) => a.name),
      ]);
    expect(inputs).toEqual([
      ['Source', undefined],
      ['Build', ['SourceArtifact']],
      ['DeployToFleet', ['BuildArtifact']],
      ['SmokeTest', ['BuildArtifact']],
    ]);
  });
});

describe('pipeline name pattern ([A-Za-z0-9.@\\-_]+, 1–100)', () => {
  const refusal = (p: Promise<unknown>) => p.then(() => undefined).catch((e: unknown) => e);

  it.each([
    ['a space', 'web app'],
    ['a slash', 'web/app'],
    ['a colon', 'web:app'],
    ['101 characters', 'a'.repeat(101)],
  ])('a name with %s gets ValidationException before any lookup', async (_what, name) => {
    for (const send of [
      () => cp.send(new GetPipelineCommand({ name })),
      () => cp.send(new GetPipelineStateCommand({ name })),
      () => cp.send(new ListPipelineExecutionsCommand({ pipelineName: name })),
      () =>
        cp.send(
          new DisableStageTransitionCommand({
            pipelineName: name,
            stageName: 'Deploy',
            transitionType: 'Inbound',
            reason: 'x',
          }),
        ),
    ]) {
      const err = await refusal(send());
      expect(err).toBeInstanceOf(ValidationException);
      expect((err as Error).message).toMatch(
        /at '(name|pipelineName)' failed to satisfy constraint/,
      );
    }
  });

  it('a well-formed name of no pipeline is PipelineNotFoundException, not a validation error', async () => {
    const names = ['web.app@v2_x-1', 'a'.repeat(100)];
    for (const name of names) {
      expect(await refusal(cp.send(new GetPipelineCommand({ name })))).toBeInstanceOf(
        PipelineNotFoundException,
      );
    }
  });

  it('a stage name outside the pattern gets ValidationException too', async () => {
    const err = await refusal(
      cp.send(
        new DisableStageTransitionCommand({
          pipelineName: 'web-app',
          stageName: 'Deploy prod',
          transitionType: 'Inbound',
          reason: 'x',
        }),
      ),
    );
    expect(err).toBeInstanceOf(ValidationException);
    expect((err as Error).message).toContain("at 'stageName'");
  });
});

describe('SetAlarmState StateReasonData', () => {
  it('rejects data that is not JSON with InvalidFormat, and changes nothing', async () => {
    const err = await cw
      .send(
        new SetAlarmStateCommand({
          AlarmName: 'web-prod-5xx',
          StateValue: 'ALARM',
          StateReason: 'testing',
          StateReasonData: 'not json {',
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidFormatFault);
    const { MetricAlarms } = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['web-prod-5xx'] }),
    );
    expect(MetricAlarms?.[0]?.StateValue).toBe('OK');
  });

  it('takes JSON and answers it back in DescribeAlarms', async () => {
    const data = JSON.stringify({ source: 'game day', datapoints: [31, 40] });
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'web-prod-5xx',
        StateValue: 'ALARM',
        StateReason: 'testing',
        StateReasonData: data,
      }),
    );
    const { MetricAlarms } = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['web-prod-5xx'] }),
    );
    expect(MetricAlarms?.[0]).toMatchObject({ StateValue: 'ALARM', StateReasonData: data });
  });
});
