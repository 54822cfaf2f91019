// What CloudWatch says about an alarm, as every part of the bot reads it (src/aws/cloudwatch-adapter.ts).
import type { AlarmState, AlarmSuppression } from './stage-locks/deploy-block.js';

export type { AlarmState, AlarmSuppression } from './stage-locks/deploy-block.js';

/** One alarm's state now. */
export interface AlarmReading {
  name: string;
  state: AlarmState;
  /** CloudWatch's words for why (outside text: render it inert). */
  reason?: string;
  /** When it entered its state (CloudWatch's clock). */
  since?: Date;
  kind?: 'metric' | 'composite';
  /** A composite alarm's actions CloudWatch suppresses now (`ActionsSuppressedBy`), and why. */
  suppressedBy?: AlarmSuppression;
}

/** The states by alarm name; alarms CloudWatch does not know are absent. */
export function alarmStatesByName(readings: readonly AlarmReading[]): Record<string, AlarmState> {
  return Object.fromEntries(readings.map((r) => [r.name, r.state]));
}

/** The alarms whose actions CloudWatch suppresses now, by name (composite alarms only). */
export function alarmSuppressionsByName(
  readings: readonly AlarmReading[],
): Record<string, AlarmSuppression> {
  return Object.fromEntries(
    readings.flatMap((r) => (r.suppressedBy ? [[r.name, r.suppressedBy] as const] : [])),
  );
}
