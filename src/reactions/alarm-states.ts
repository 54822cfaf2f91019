// Live alarm states from CloudWatch (DescribeAlarms), metric and composite alarms alike.
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { Account, AwsClients } from '../aws/aws-clients.js';
import { toAwsCallError } from '../aws/aws-errors.js';
import type { AlarmReading } from './recovery.js';

export interface AlarmState extends AlarmReading {
  reason?: string;
  /** When it entered its state (CloudWatch's clock). */
  since?: Date;
}

const STATES = new Set(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/** States of the named alarms CloudWatch knows (≤100 names per call); unknown names are left out. */
export async function describeAlarmStates(
  clients: AwsClients,
  account: Account,
  names: readonly string[],
): Promise<AlarmState[]> {
  if (names.length === 0) return [];
  const client = clients.cloudwatch(account);
  const out: AlarmState[] = [];
  for (let i = 0; i < names.length; i += 100) {
    let nextToken: string | undefined;
    do {
      const page = await client
        .send(
          new DescribeAlarmsCommand({
            AlarmNames: names.slice(i, i + 100),
            // Omitted means metric alarms only; environments often watch one composite.
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: 100,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        )
        .catch((err: unknown) => {
          throw toAwsCallError(err, 'DescribeAlarms', { account, alarms: names });
        });
      for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (!a.AlarmName || !a.StateValue || !STATES.has(a.StateValue)) continue;
        out.push({
          name: a.AlarmName,
          state: a.StateValue as AlarmReading['state'],
          ...(a.StateReason ? { reason: a.StateReason } : {}),
          ...(a.StateUpdatedTimestamp ? { since: a.StateUpdatedTimestamp } : {}),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  const order = new Map(names.map((n, i) => [n, i]));
  return out.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
}
