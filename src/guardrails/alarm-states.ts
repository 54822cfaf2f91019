// Live alarm states from CloudWatch (DescribeAlarms), metric and composite alike: a blocking
// alarm is often one composite.
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { Account, AwsClients } from '../aws/aws-clients.js';
import { toAwsCallError } from '../aws/aws-errors.js';
import type { AlarmState } from '../domain/guardrails/index.js';

export interface AlarmReading {
  state: AlarmState;
  reason?: string;
}

/** States of the named alarms; alarms CloudWatch does not know are absent from the answer. */
export async function readAlarmStates(
  aws: AwsClients,
  account: Account,
  names: readonly string[],
): Promise<Record<string, AlarmReading>> {
  const out: Record<string, AlarmReading> = {};
  const unique = [...new Set(names)];
  const client = aws.cloudwatch(account);
  for (let i = 0; i < unique.length; i += 100) {
    const batch = unique.slice(i, i + 100);
    let nextToken: string | undefined;
    do {
      const page = await client
        .send(
          new DescribeAlarmsCommand({
            AlarmNames: batch,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        )
        .catch((err: unknown) => {
          throw toAwsCallError(err, 'DescribeAlarms', { account, alarms: names });
        });
      for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (!a.AlarmName || !a.StateValue) continue;
        out[a.AlarmName] = {
          state: a.StateValue as AlarmState,
          ...(a.StateReason ? { reason: a.StateReason } : {}),
        };
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return out;
}

export function statesOnly(readings: Record<string, AlarmReading>): Record<string, AlarmState> {
  return Object.fromEntries(Object.entries(readings).map(([k, v]) => [k, v.state]));
}
