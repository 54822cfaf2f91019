import type { SimClock } from './clock.js';
import type { EventEmitter } from './events/emitter.js';

/** What every model shares: simulated time, the event emitter and the account id. */
export interface ModelContext {
  clock: SimClock;
  emitter: EventEmitter;
  account(): string;
  /** How long a stage or deployment takes: the world's value, unless real-time mode overrides it. */
  durationMs(specified: number | undefined): number;
  /** Set an alarm's state (pipelines use it for `outcome.alarmAfterSuccess`). */
  setAlarmState(name: string, state: AlarmStateValue, reason: string, region: string): void;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export const DEFAULT_REGION = 'us-east-1';

export function regionKey(region: string, name: string): string {
  return `${region}/${name}`;
}
