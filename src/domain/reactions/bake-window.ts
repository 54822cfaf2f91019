// The bake window after a successful deploy: alarms that fire inside it count against the release.
// Times are AWS's (event times), so the comparison holds whatever clock the bot runs on. Pure.
import type { SourceRevision } from '../releases.js';

export interface BakeWindow {
  env: string;
  /** The stage for pipeline environments; absent for deployment groups. */
  stage?: string;
  /** Pipeline execution id or CodeDeploy deployment id. */
  releaseId: string;
  sourceRevisions: SourceRevision[];
  /** When the release succeeded (AWS time, ms). */
  startedAt: number;
  bakeMs: number;
  state: 'open' | 'tripped' | 'passed';
}

/**
 * A new window, open. A newer release's window replaces the one there; a late event about an older
 * release, or the same one, does not (atomic in Redis: store/lua/open-bake-window-1.lua).
 */
export function openBakeWindow(input: Omit<BakeWindow, 'state'>): BakeWindow {
  return { ...input, state: 'open' };
}

/** An alarm that entered ALARM at `alarmAt` (AWS time) trips the window. */
export function alarmTripsWindow(
  window: BakeWindow | undefined,
  watched: readonly string[],
  alarm: { name: string; at: number },
): boolean {
  if (window?.state !== 'open') return false;
  if (!watched.includes(alarm.name)) return false;
  return alarm.at >= window.startedAt && alarm.at <= window.startedAt + window.bakeMs;
}

export type BakeEnd =
  | { kind: 'passed' }
  | { kind: 'tripped'; firing: string[] }
  | { kind: 'already-closed' };

/** At the window's end, DescribeAlarms is the backstop for events that never arrived. */
export function bakeEndOutcome(
  window: BakeWindow | undefined,
  releaseId: string,
  alarms: ReadonlyArray<{ name: string; state: string }>,
): BakeEnd {
  if (!window || window.releaseId !== releaseId || window.state !== 'open') {
    return { kind: 'already-closed' };
  }
  const firing = alarms.filter((a) => a.state === 'ALARM').map((a) => a.name);
  return firing.length > 0 ? { kind: 'tripped', firing } : { kind: 'passed' };
}
