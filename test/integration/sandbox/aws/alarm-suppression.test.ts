// Composite alarm actions suppression as CloudWatch documents it (CompositeAlarm
// ActionsSuppressedBy): `Alarm` while the suppressor is in ALARM, `WaitPeriod` for up to
// ActionsSuppressorWaitPeriod after the composite enters ALARM without it, `ExtensionPeriod` for up
// to ActionsSuppressorExtensionPeriod after the suppressor leaves ALARM. Read through the SDK.
import { type CompositeAlarm, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import type { AwsEvent, World } from '../../../../src/sandbox/aws/index.js';
import { sandboxWithClients, testWorld } from './support.js';

function world(): World {
  const w = testWorld();
  w.alarms!.push(
    { name: 'maintenance', region: 'us-east-1', metric: { namespace: 'Ops', name: 'Maint' } },
    {
      name: 'deploy-guard',
      region: 'us-east-1',
      rule: 'ALARM(web-prod-5xx)',
      actionsSuppressor: 'maintenance',
      actionsSuppressorWaitPeriod: 120,
      actionsSuppressorExtensionPeriod: 180,
    },
  );
  return w;
}

const t = sandboxWithClients(world);

async function guard(): Promise<CompositeAlarm> {
  const out = await t.cw.send(
    new DescribeAlarmsCommand({ AlarmNames: ['deploy-guard'], AlarmTypes: ['CompositeAlarm'] }),
  );
  return out.CompositeAlarms![0]!;
}

const guardEvents = () =>
  t.sandbox.control
    .events()
    .filter((e: AwsEvent) => e.detail.alarmName === 'deploy-guard')
    .map(
      (e) =>
        e.detail as {
          state: Record<string, unknown>;
          previousState: Record<string, unknown>;
          configuration: Record<string, unknown>;
        },
    );

const S = 1000;

describe('composite alarm actions suppression', () => {
  it('describes the suppressor settings', async () => {
    expect(await guard()).toMatchObject({
      ActionsSuppressor: 'maintenance',
      ActionsSuppressorWaitPeriod: 120,
      ActionsSuppressorExtensionPeriod: 180,
      StateValue: 'OK',
    });
    expect((await guard()).ActionsSuppressedBy).toBeUndefined();
  });

  it('WaitPeriod after entering ALARM without the suppressor, then actions (an ALARM → ALARM event)', async () => {
    t.sandbox.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    expect(await guard()).toMatchObject({
      StateValue: 'ALARM',
      ActionsSuppressedBy: 'WaitPeriod',
      ActionsSuppressedReason: 'Actions suppressed by WaitPeriod',
    });
    const [entered] = guardEvents();
    expect(entered?.state).toMatchObject({ value: 'ALARM', actionsSuppressedBy: 'WaitPeriod' });
    expect(entered?.configuration).toMatchObject({
      actionsSuppressor: 'maintenance',
      actionsSuppressorWaitPeriod: 120,
      actionsSuppressorExtensionPeriod: 180,
    });

    t.sandbox.control.advance(119 * S);
    expect((await guard()).ActionsSuppressedBy).toBe('WaitPeriod');
    t.sandbox.control.advance(1 * S);
    const after = await guard();
    expect(after.StateValue).toBe('ALARM');
    expect(after.ActionsSuppressedBy).toBeUndefined();
    const ended = guardEvents()[1];
    expect(ended?.previousState).toMatchObject({
      value: 'ALARM',
      actionsSuppressedBy: 'WaitPeriod',
    });
    expect(ended?.state).toMatchObject({ value: 'ALARM' });
    expect(ended?.state).not.toHaveProperty('actionsSuppressedBy');
  });

  it('Alarm while the suppressor is in ALARM, then ExtensionPeriod after it clears, then none', async () => {
    t.sandbox.control.setAlarmState('maintenance', 'ALARM', 'maintenance window');
    t.sandbox.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    expect((await guard()).ActionsSuppressedBy).toBe('Alarm');
    t.sandbox.control.advance(600 * S);
    expect((await guard()).ActionsSuppressedBy).toBe('Alarm');

    t.sandbox.control.setAlarmState('maintenance', 'OK', 'window over');
    expect(await guard()).toMatchObject({
      StateValue: 'ALARM',
      ActionsSuppressedBy: 'ExtensionPeriod',
    });
    t.sandbox.control.advance(180 * S);
    expect((await guard()).ActionsSuppressedBy).toBeUndefined();
    expect(guardEvents().map((d) => d.state.actionsSuppressedBy ?? 'none')).toEqual([
      'Alarm',
      'ExtensionPeriod',
      'none',
    ]);
  });

  it('the suppressor entering ALARM during the wait period suppresses by Alarm; the wait ending does not lift it', async () => {
    t.sandbox.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    t.sandbox.control.advance(30 * S);
    t.sandbox.control.setAlarmState('maintenance', 'ALARM', 'maintenance window');
    expect((await guard()).ActionsSuppressedBy).toBe('Alarm');
    t.sandbox.control.advance(300 * S);
    expect((await guard()).ActionsSuppressedBy).toBe('Alarm');
  });

  it('leaving ALARM ends any suppression; its old timer changes nothing later', async () => {
    t.sandbox.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    t.sandbox.control.setAlarmState('web-prod-5xx', 'OK', 'recovered');
    const ok = await guard();
    expect(ok.StateValue).toBe('OK');
    expect(ok.ActionsSuppressedBy).toBeUndefined();
    const before = guardEvents().length;
    t.sandbox.control.advance(600 * S);
    expect(guardEvents()).toHaveLength(before);
  });
});
