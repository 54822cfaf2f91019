// CloudWatch calls the bot makes (DescribeAlarms), returning domain shapes. Metric and composite
// alarms alike: a blocking alarm is often one composite, and DescribeAlarms without AlarmTypes
// answers metric alarms only.
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmReading, AlarmState } from '../domain/alarms.js';
import type { Account, AwsClients } from './aws-clients.js';
import { toAwsCallError } from './aws-errors.js';

const STATES: ReadonlySet<string> = new Set<AlarmState>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
/** DescribeAlarms takes at most 100 names a call. */
const NAMES_PER_CALL = 100;

export interface ReadAlarmsOptions {
  /**
   * Asked before each DescribeAlarms (a caller's call budget); false stops the read, which then
   * answers undefined: all or nothing, so unread alarms never look new next time.
   */
  mayCall: () => boolean;
}

/** The named alarms CloudWatch knows, in the order named; unknown names are left out. */
export async function readAlarms(
  aws: AwsClients,
  account: Account,
  names: readonly string[],
): Promise<AlarmReading[]>;
export async function readAlarms(
  aws: AwsClients,
  account: Account,
  names: readonly string[],
  opts: ReadAlarmsOptions,
): Promise<AlarmReading[] | undefined>;
export async function readAlarms(
  aws: AwsClients,
  account: Account,
  names: readonly string[],
  opts?: ReadAlarmsOptions,
): Promise<AlarmReading[] | undefined> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const client = aws.cloudwatch(account);
  const out: AlarmReading[] = [];
  for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
    let nextToken: string | undefined;
    do {
      if (opts && !opts.mayCall()) return undefined;
      const page = await client
        .send(
          new DescribeAlarmsCommand({
            AlarmNames: unique.slice(i, i + NAMES_PER_CALL),
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: 100,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        )
        .catch((err: unknown) => {
          throw toAwsCallError(err, 'DescribeAlarms', { account, alarms: unique });
        });
      const all = [
        ...(page.MetricAlarms ?? []).map((a) => ({ a, kind: 'metric' as const })),
        ...(page.CompositeAlarms ?? []).map((a) => ({ a, kind: 'composite' as const })),
      ];
      for (const { a, kind } of all) {
        if (!a.AlarmName || !a.StateValue || !STATES.has(a.StateValue)) continue;
        out.push({
          name: a.AlarmName,
          state: a.StateValue as AlarmState,
          kind,
          ...(a.StateReason ? { reason: a.StateReason } : {}),
          ...(a.StateUpdatedTimestamp ? { since: a.StateUpdatedTimestamp } : {}),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  const order = new Map(unique.map((n, i) => [n, i]));
  return out.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
}
