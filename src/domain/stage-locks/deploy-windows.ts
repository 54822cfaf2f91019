// Allowed deploy windows (cron start + length, in the windows' IANA zone) and blackout periods.
// Pure: the clock is a parameter. croner finds the window starts; zoned-time.ts does the rest.
//
// A window is a span of wall-clock time: it opens when croner fires (09:00 local stays 09:00
// local across DST changes) and closes when the local clock reads start + duration. So
// "22:00 for 8h" closes at 06:00 local even on the night the clocks change (7 or 9 real hours).
// A start the clocks skip fires when they jump (croner), and fires once on a repeated hour;
// an end the clocks skip closes when they jump; an end in a repeated hour closes at its first
// reading after the start.
import { Cron } from 'croner';
import type { WindowsPolicy } from '../../config/config.js';
import {
  addWallTime,
  formatLocal,
  formatWhen,
  localToInstant,
  offsetAt,
  parseLocalDateTime,
  wallClock,
} from './zoned-time.js';

/** A blackout from the config, as instants. */
export interface Blackout {
  from: Date;
  to: Date;
  reason: string;
}

export interface AllowedWindow {
  start: Date;
  end: Date;
}

export interface WindowsState {
  /** Forward deploys may go ahead now: inside an allowed window and outside every blackout. */
  open: boolean;
  /** Why not, in words a person reads. Set when closed. */
  reason?: string;
  /** When closed: the first instant deploys may go again (undefined: not within the horizon). */
  nextOpen?: Date;
  /** When open: the first instant deploys stop (undefined: nothing scheduled within the horizon). */
  nextClose?: Date;
  activeBlackout?: Blackout;
  /** The allowed windows alone, without blackouts. `inside` is true when none are configured. */
  window: {
    inside: boolean;
    /** When inside: the end of the current run of allowed windows. */
    closesAt?: Date;
    /** When outside: the next window start. */
    opensAt?: Date;
    /** When outside, in words. */
    reason?: string;
  };
}

/** How far ahead nextOpen / nextClose are looked for. */
export const WINDOW_HORIZON_MS = 35 * 86_400_000;
/** The largest DST shift in use (Troll, Antarctica); most zones shift by one hour. */
const MAX_SHIFT_MS = 2 * 3_600_000;
const MAX_STEPS = 2000;

interface CompiledWindow {
  cron: Cron;
  durationMs: number;
}

/** The config's blackouts as instants: each starts at the earlier reading, ends at the later. */
export function blackoutPeriods(windows: WindowsPolicy): Blackout[] {
  return windows.blackout.map((b) => {
    const from = parseLocalDateTime(b.from);
    const to = parseLocalDateTime(b.to);
    if (!from || !to) {
      // The config schema only lets valid local date-times through.
      throw new Error(`blackout "${b.reason}" has an invalid from/to (${b.from} … ${b.to})`);
    }
    return {
      from: localToInstant(from, windows.timezone, 'earlier'),
      to: localToInstant(to, windows.timezone, 'later'),
      reason: b.reason,
    };
  });
}

function windowEnd(start: Date, durationMs: number, timeZone: string): Date {
  // Same offset at both ends: wall-clock and real length agree (the common case, and cheap).
  const naiveEnd = start.getTime() + durationMs;
  if (offsetAt(start.getTime(), timeZone) === offsetAt(naiveEnd, timeZone)) {
    return new Date(naiveEnd);
  }
  const endWall = addWallTime(wallClock(start, timeZone), durationMs);
  for (const prefer of ['earlier', 'later'] as const) {
    const end = localToInstant(endWall, timeZone, prefer);
    if (end > start) return end;
  }
  return new Date(start.getTime() + durationMs);
}

class Schedule {
  private readonly compiled: CompiledWindow[];
  readonly blackouts: Blackout[];

  constructor(private readonly windows: WindowsPolicy) {
    this.compiled = windows.allow.map((w) => ({
      cron: new Cron(w.cron, { timezone: windows.timezone, paused: true }),
      durationMs: w.durationMs,
    }));
    this.blackouts = blackoutPeriods(windows);
  }

  get hasWindows(): boolean {
    return this.compiled.length > 0;
  }

  /** The allowed window containing `t` that ends last, or undefined. */
  windowAt(t: Date): AllowedWindow | undefined {
    let best: AllowedWindow | undefined;
    for (const w of this.compiled) {
      // Ends are start + duration give or take one DST shift, so only starts back to the
      // newest one minus two shifts can reach past the newest one's end.
      let floor = t.getTime() - w.durationMs - MAX_SHIFT_MS;
      let ref = new Date(t.getTime() + 1);
      for (let steps = 0; steps < MAX_STEPS; ) {
        const batch = w.cron.previousRuns(16, ref);
        let done = batch.length === 0;
        for (const start of batch) {
          if (steps++ === 0) floor = Math.max(floor, start.getTime() - 2 * MAX_SHIFT_MS);
          if (start.getTime() < floor) {
            done = true;
            break;
          }
          const end = windowEnd(start, w.durationMs, this.windows.timezone);
          if (end > t && (!best || end > best.end)) best = { start, end };
        }
        const last = batch[batch.length - 1];
        if (done || !last) break;
        ref = last;
      }
    }
    return best;
  }

  /** The first window start strictly after `t`. */
  nextStartAfter(t: Date): Date | undefined {
    let next: Date | undefined;
    for (const w of this.compiled) {
      const n = w.cron.nextRun(t);
      if (n && (!next || n < next)) next = n;
    }
    return next;
  }

  /** The blackout containing `t` that ends last. */
  blackoutAt(t: Date): Blackout | undefined {
    let best: Blackout | undefined;
    for (const b of this.blackouts) {
      if (b.from <= t && t < b.to && (!best || b.to > best.to)) best = b;
    }
    return best;
  }

  /**
   * The end of the run of overlapping or touching allowed windows that contains `t`; undefined
   * when the run goes past `limit` or the search budget (windows back to back for weeks).
   */
  runEnd(t: Date, limit: number): Date | undefined {
    const first = this.windowAt(t);
    if (!first) return undefined;
    let end = first.end;
    const cursors = this.compiled.map((w) => ({ w, at: t }));
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      if (end.getTime() > limit) return undefined;
      // The next start among all windows; if it is after the run's end, the run ends there.
      let next: { i: number; start: Date } | undefined;
      cursors.forEach((c, i) => {
        const start = c.w.cron.nextRun(c.at);
        if (start && (!next || start < next.start)) next = { i, start };
      });
      if (!next || next.start > end) return end;
      const cursor = cursors[next.i]!;
      cursor.at = next.start;
      const e = windowEnd(next.start, cursor.w.durationMs, this.windows.timezone);
      if (e > end) end = e;
    }
    return undefined;
  }

  /** The first instant ≥ t inside an allowed window and outside every blackout. */
  nextOpen(t: Date, limit: number): Date | undefined {
    let at = t;
    for (let i = 0; i < MAX_STEPS && at.getTime() <= limit; i++) {
      const b = this.blackoutAt(at);
      if (b) {
        at = b.to;
        continue;
      }
      if (!this.hasWindows || this.windowAt(at)) return at;
      const s = this.nextStartAfter(at);
      if (!s) return undefined;
      at = s;
    }
    return undefined;
  }

  /** The first blackout start strictly after `t`. */
  nextBlackoutAfter(t: Date): Blackout | undefined {
    let next: Blackout | undefined;
    for (const b of this.blackouts) {
      if (b.from > t && (!next || b.from < next.from)) next = b;
    }
    return next;
  }
}

/** Whether forward deploys may go now under `windows`, and when that changes. */
export function evaluateWindows(windows: WindowsPolicy, now: Date): WindowsState {
  const tz = windows.timezone;
  const schedule = new Schedule(windows);
  const limit = now.getTime() + WINDOW_HORIZON_MS;

  let window: WindowsState['window'];
  if (!schedule.hasWindows) {
    window = { inside: true };
  } else if (schedule.windowAt(now)) {
    const closesAt = schedule.runEnd(now, limit);
    window = { inside: true, ...(closesAt ? { closesAt } : {}) };
  } else {
    const opensAt = schedule.nextStartAfter(now);
    const soon = opensAt && opensAt.getTime() <= limit ? opensAt : undefined;
    window = {
      inside: false,
      ...(soon ? { opensAt: soon } : {}),
      reason: soon
        ? `outside the deploy window (opens ${formatWhen(soon, tz, now)} ${tz})`
        : 'outside the deploy window (none opens in the next 35 days)',
    };
  }

  const activeBlackout = schedule.blackoutAt(now);
  if (activeBlackout || !window.inside) {
    const nextOpen = schedule.nextOpen(now, limit);
    const reason = activeBlackout
      ? `${activeBlackout.reason} until ${formatLocal(activeBlackout.to, tz)} ${tz}`
      : window.reason;
    return {
      open: false,
      ...(reason ? { reason } : {}),
      ...(nextOpen ? { nextOpen } : {}),
      ...(activeBlackout ? { activeBlackout } : {}),
      window,
    };
  }

  const blackoutStart = schedule.nextBlackoutAfter(now)?.from;
  const candidates = [window.closesAt, blackoutStart].filter(
    (d): d is Date => d !== undefined && d.getTime() <= limit,
  );
  const nextClose = candidates.sort((a, b) => a.getTime() - b.getTime())[0];
  return { open: true, ...(nextClose ? { nextClose } : {}), window };
}
