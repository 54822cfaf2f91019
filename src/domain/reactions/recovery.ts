// After a rollback succeeded: have the watched alarms come back to OK, and within the limit? Pure.
import type { AlarmReading } from '../alarms.js';

export type RecoveryStatus =
  | { kind: 'recovered'; afterMs: number; missing: string[] }
  | { kind: 'waiting'; notOk: string[] }
  | { kind: 'escalate'; notOk: string[]; afterMs: number };

/**
 * Recovered when every watched alarm that exists is OK. Alarms CloudWatch does not know are
 * listed as missing and do not hold recovery up (a typo in config must not page anyone forever).
 */
export function recoveryStatus(input: {
  watched: readonly string[];
  readings: readonly AlarmReading[];
  rollbackEndedAt: number;
  now: number;
  limitMs: number;
}): RecoveryStatus {
  const afterMs = Math.max(0, input.now - input.rollbackEndedAt);
  const byName = new Map(input.readings.map((r) => [r.name, r.state]));
  const missing = input.watched.filter((n) => !byName.has(n));
  const notOk = input.watched.filter((n) => byName.has(n) && byName.get(n) !== 'OK');
  if (notOk.length === 0) return { kind: 'recovered', afterMs, missing };
  if (afterMs >= input.limitMs) return { kind: 'escalate', notOk, afterMs };
  return { kind: 'waiting', notOk };
}
