// The CloudWatch door against the local AWS endpoint: metric and composite alarms alike, in the
// order named, unknown names left out, more than one call's worth of names, refusals mapped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../src/aws/aws-clients.js';
import { AwsCallError } from '../../../src/aws/aws-errors.js';
import { readAlarms } from '../../../src/aws/cloudwatch-adapter.js';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';

const WORLD = new URL('../../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
let sandbox: AwsSandbox;
let aws: AwsClients;
const account = { region: 'us-east-1' };

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: WORLD });
  aws = createAwsClients({
    endpoint: sandbox.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});
afterAll(async () => {
  aws.destroy();
  await sandbox.close();
});

describe('readAlarms', () => {
  it('reads metric and composite alarms in the order named, leaving unknown names out', async () => {
    sandbox.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold crossed');
    const names = ['prod-sev1', 'nope', 'web-prod-5xx', 'web-prod-latency-p99'];
    const got = await readAlarms(aws, account, names);
    expect(got.map((a) => a.name)).toEqual(['prod-sev1', 'web-prod-5xx', 'web-prod-latency-p99']);
    expect(got.find((a) => a.name === 'web-prod-5xx')).toMatchObject({ state: 'ALARM' });
  });

  it('names beyond one call (100) are read in batches, each asked once', async () => {
    sandbox.control.clearCalls();
    const many = [...Array.from({ length: 150 }, (_, i) => `missing-${i}`), 'web-prod-5xx'];
    const got = await readAlarms(aws, account, [...many, 'web-prod-5xx']);
    expect(got.map((a) => a.name)).toEqual(['web-prod-5xx']);
    const calls = sandbox.control.calls({ operation: 'DescribeAlarms' });
    expect(calls.map((c) => (c.input.AlarmNames as string[]).length)).toEqual([100, 51]);
  });

  it('nothing named, nothing asked', async () => {
    sandbox.control.clearCalls();
    expect(await readAlarms(aws, account, [])).toEqual([]);
    expect(sandbox.control.calls({ operation: 'DescribeAlarms' })).toHaveLength(0);
  });

  it("reads a composite alarm's ActionsSuppressedBy while it is in ALARM, and only then", async () => {
    sandbox.control.loadWorld({
      now: '2026-11-20T15:00:00Z',
      alarms: [
        { name: 'web-5xx', metric: { namespace: 'AWS/ApplicationELB', name: '5xx' } },
        { name: 'maintenance', metric: { namespace: 'Ops', name: 'Maint' } },
        {
          name: 'guard',
          rule: 'ALARM(web-5xx)',
          actionsSuppressor: 'maintenance',
          actionsSuppressorWaitPeriod: 60,
        },
      ],
    });
    try {
      const read = async () => (await readAlarms(aws, account, ['guard', 'web-5xx']))[0];
      expect(await read()).toEqual(
        expect.not.objectContaining({ suppressedBy: expect.anything() }),
      );
      sandbox.control.setAlarmState('web-5xx', 'ALARM', 'Threshold crossed');
      expect(await read()).toMatchObject({
        name: 'guard',
        state: 'ALARM',
        kind: 'composite',
        suppressedBy: 'WaitPeriod',
      });
      sandbox.control.setAlarmState('maintenance', 'ALARM', 'window');
      expect((await read())?.suppressedBy).toBe('Alarm');
      sandbox.control.setAlarmState('maintenance', 'OK', 'window over');
      expect((await read())?.suppressedBy).toBe('ExtensionPeriod');
      sandbox.control.advance(60_000);
      const plain = await read();
      expect(plain?.state).toBe('ALARM');
      expect(plain).not.toHaveProperty('suppressedBy');
    } finally {
      await sandbox.control.reset();
    }
  });

  it('a denial is a refusal naming cloudwatch:DescribeAlarms', async () => {
    sandbox.control.injectFault('DescribeAlarms', {
      error: {
        type: 'AccessDenied',
        message: 'User is not authorized to perform: cloudwatch:DescribeAlarms',
      },
    });
    const err = await readAlarms(aws, account, ['web-prod-5xx']).catch((e: unknown) => e);
    sandbox.control.clearFaults();
    expect(err).toBeInstanceOf(AwsCallError);
    expect((err as AwsCallError).kind).toBe('unrecoverable');
    expect((err as AwsCallError).nextStep).toContain(
      'Allow cloudwatch:DescribeAlarms on arn:aws:cloudwatch:us-east-1:<account>:alarm:web-prod-5xx',
    );
  });
});
