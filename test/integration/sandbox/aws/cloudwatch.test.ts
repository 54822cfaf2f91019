import {
  DescribeAlarmsCommand,
  InvalidNextToken,
  ResourceNotFound,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { sandboxWithClients } from './support.js';

const t = sandboxWithClients();

describe('CloudWatch alarms', () => {
  it('returns metric alarms only when AlarmTypes is omitted', async () => {
    const out = await t.cw.send(new DescribeAlarmsCommand({}));
    expect(out.MetricAlarms?.map((a) => a.AlarmName)).toEqual([
      'web-prod-5xx',
      'web-prod-latency-p99',
    ]);
    expect(out.CompositeAlarms).toEqual([]);
    expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp).toEqual(new Date('2026-11-20T15:00:00Z'));
    const both = await t.cw.send(
      new DescribeAlarmsCommand({
        AlarmTypes: ['CompositeAlarm', 'MetricAlarm'],
        AlarmNamePrefix: 'prod-',
      }),
    );
    expect(both.CompositeAlarms?.map((a) => [a.AlarmName, a.AlarmRule])).toEqual([
      ['prod-sev1', 'ALARM(web-prod-5xx) OR ALARM("web-prod-latency-p99")'],
    ]);
  });

  it('evaluates composite alarms and filters by StateValue and names, with paging', async () => {
    t.sandbox.control.setAlarmState('web-prod-latency-p99', 'ALARM', 'p99 above 2s');
    const firing = await t.cw.send(
      new DescribeAlarmsCommand({
        StateValue: 'ALARM',
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      }),
    );
    expect(firing.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['web-prod-latency-p99']);
    expect(firing.CompositeAlarms?.[0]).toMatchObject({
      AlarmName: 'prod-sev1',
      StateValue: 'ALARM',
    });
    expect(firing.CompositeAlarms?.[0]?.StateReason).toContain(
      'alarm:web-prod-latency-p99 transitioned to ALARM',
    );

    await t.cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'web-prod-latency-p99',
        StateValue: 'OK',
        StateReason: 'recovered',
      }),
    );
    const sev1 = await t.cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['prod-sev1'], AlarmTypes: ['CompositeAlarm'] }),
    );
    expect(sev1.CompositeAlarms?.[0]?.StateValue).toBe('OK');

    const page1 = await t.cw.send(new DescribeAlarmsCommand({ MaxRecords: 1 }));
    expect(page1.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['web-prod-5xx']);
    const page2 = await t.cw.send(
      new DescribeAlarmsCommand({ MaxRecords: 1, NextToken: page1.NextToken }),
    );
    expect(page2.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['web-prod-latency-p99']);
    expect(page2.NextToken).toBeUndefined();
  });

  it('raises the typed query-compatible errors', async () => {
    const missing = await t.cw
      .send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFound);
    const badToken = await t.cw
      .send(new DescribeAlarmsCommand({ NextToken: 'zzz' }))
      .catch((e: unknown) => e);
    expect(badToken).toBeInstanceOf(InvalidNextToken);
  });
});
