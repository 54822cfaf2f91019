// Manual freezes (`/rollback freeze prod 4h reason…`). A freeze always has an end: it is
// bounded so a forgotten freeze cannot block deploys for good.
import { formatLocal, localToInstant, parseLocalDateTime } from './zoned-time.js';

export interface Freeze {
  id: string;
  /** The environment it freezes. A group freeze is stored as one record per member. */
  scope: string;
  reason: string;
  /** Slack user id of who froze it. */
  by: string;
  from: Date;
  until: Date;
}

/** The longest freeze one command may set. */
export const MAX_FREEZE_MS = 30 * 86_400_000;

/** Freezes in force at `now` (from ≤ now < until), optionally for one environment only. */
export function activeFreezes(freezes: readonly Freeze[], now: Date, scope?: string): Freeze[] {
  return freezes.filter(
    (f) => f.from <= now && now < f.until && (scope === undefined || f.scope === scope),
  );
}

export type FreezeEndSpec = { durationMs: number } | { at: string };

export type FreezeEnd = { ok: true; until: Date } | { ok: false; message: string };

/**
 * When a freeze asked for now ends. `at` is a local date (`2027-01-04`, meaning its 00:00) or
 * date-time (`2027-01-04T09:00`) in `timeZone`; a repeated local time reads as the later one,
 * so the freeze lasts the longer. The end must be in the future and at most 30 days away.
 */
export function resolveFreezeEnd(spec: FreezeEndSpec, timeZone: string, now: Date): FreezeEnd {
  let until: Date;
  if ('durationMs' in spec) {
    if (!Number.isFinite(spec.durationMs) || spec.durationMs <= 0) {
      return { ok: false, message: 'A freeze needs a length greater than zero, such as 4h or 2d.' };
    }
    until = new Date(now.getTime() + spec.durationMs);
  } else {
    const local = parseLocalDateTime(spec.at);
    if (!local) {
      return {
        ok: false,
        message: `"${spec.at}" is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:mm (${timeZone} time).`,
      };
    }
    until = localToInstant(local, timeZone, 'later');
    if (until <= now) {
      return {
        ok: false,
        message: `${formatLocal(until, timeZone)} ${timeZone} is not in the future; a freeze must end later than now.`,
      };
    }
  }
  if (until.getTime() - now.getTime() > MAX_FREEZE_MS) {
    return {
      ok: false,
      message: `A freeze can last at most 30 days (until ${formatLocal(new Date(now.getTime() + MAX_FREEZE_MS), timeZone)} ${timeZone}); ask again with an earlier end.`,
    };
  }
  return { ok: true, until };
}
