// Wall-clock time in an IANA zone, from Intl alone. Windows, blackouts and freezes are written
// in local time; the rest of the bot works in instants, so this is the one place that converts.
//
// Where local time is not one-to-one (DST changes), the choices are:
// - a skipped local time (02:30 on the spring-forward night) is read as the moment the clocks
//   jump (03:00 summer time). croner fires window starts there too, so the rules agree;
// - a repeated local time (02:30 on the fall-back night) has two readings; the caller chooses
//   `earlier` or `later` to suit what it builds (a blackout starts at the earlier one and ends
//   at the later one, so it covers every instant the writer could have meant).

export interface LocalDateTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** What a clock in `timeZone` shows at `instant`, with the short weekday name (Mon…Sun). */
export function wallClock(instant: Date, timeZone: string): LocalDateTime & { weekday: string } {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: get('weekday'),
  };
}

/** The local date-time as if it were UTC: a number that orders and adds like wall time. */
function naiveMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

function fromNaiveMs(ms: number): LocalDateTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** The zone's offset from UTC at `epochMs`, in ms (Berlin in summer: +7_200_000). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return naiveMs(wallClock(new Date(whole), timeZone)) - whole;
}

/** Wall time plus a length of wall time: 22:00 + 8h is 06:00 the next day, whatever DST does. */
export function addWallTime(local: LocalDateTime, ms: number): LocalDateTime {
  return fromNaiveMs(naiveMs(local) + ms);
}

export type LocalReading =
  | { kind: 'unique'; instant: Date }
  | { kind: 'repeated'; earlier: Date; later: Date }
  | { kind: 'skipped'; jump: Date };

/** Every instant at which a clock in `timeZone` shows `local`. */
export function readLocal(local: LocalDateTime, timeZone: string): LocalReading {
  const naive = naiveMs(local);
  // Real zones change offset at most once within a day either side, so these two offsets
  // are the only candidates.
  const before = offsetAt(naive - DAY_MS, timeZone);
  const after = offsetAt(naive + DAY_MS, timeZone);
  const candidates = [...new Set([naive - before, naive - after])]
    .filter((t) => offsetAt(t, timeZone) === naive - t)
    .sort((a, b) => a - b);
  const [first, second] = candidates;
  if (first !== undefined && second !== undefined) {
    return { kind: 'repeated', earlier: new Date(first), later: new Date(second) };
  }
  if (first !== undefined) return { kind: 'unique', instant: new Date(first) };
  return { kind: 'skipped', jump: new Date(findJump(naive - after, naive - before, timeZone)) };
}

/** The first instant in (lo, hi] whose offset differs from the offset at lo. */
function findJump(lo: number, hi: number, timeZone: string): number {
  const start = offsetAt(lo, timeZone);
  let a = lo;
  let b = hi;
  // Offsets change on whole seconds (in practice whole minutes).
  while (b - a > 1000) {
    const mid = a + Math.max(1000, Math.floor((b - a) / 2000) * 1000);
    if (offsetAt(mid, timeZone) === start) a = mid;
    else b = mid;
  }
  return b;
}

/**
 * The instant a clock in `timeZone` shows `local`. `prefer` picks between the two readings of a
 * repeated time; a skipped time is the moment the clocks jump.
 */
export function localToInstant(
  local: LocalDateTime,
  timeZone: string,
  prefer: 'earlier' | 'later' = 'earlier',
): Date {
  const r = readLocal(local, timeZone);
  switch (r.kind) {
    case 'unique':
      return r.instant;
    case 'repeated':
      return prefer === 'earlier' ? r.earlier : r.later;
    case 'skipped':
      return r.jump;
  }
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:mm` or `YYYY-MM-DDTHH:mm:ss` (a date alone is its 00:00).
 * Undefined when the text is not one of those or names no real date (2026-02-30, 24:00).
 */
export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const m = LOCAL_PATTERN.exec(text.trim());
  if (!m) return undefined;
  const local: LocalDateTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
  const round = fromNaiveMs(naiveMs(local));
  const same =
    round.year === local.year &&
    round.month === local.month &&
    round.day === local.day &&
    round.hour === local.hour &&
    round.minute === local.minute &&
    round.second === local.second;
  return same ? local : undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2027-01-04 09:00` as a clock in `timeZone` shows it. */
export function formatLocal(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * A time a person reads, relative to `now`: `Mon 09:00` within the coming six days,
 * `2027-01-04 09:00` further out.
 */
export function formatWhen(instant: Date, timeZone: string, now: Date): string {
  if (instant.getTime() - now.getTime() < 6 * DAY_MS) {
    const w = wallClock(instant, timeZone);
    return `${w.weekday} ${pad(w.hour)}:${pad(w.minute)}`;
  }
  return formatLocal(instant, timeZone);
}

/** `2026-12-24 17.00 UTC`: an instant in the characters a transition reason allows. */
export function formatUtcForTransition(instant: Date): string {
  const iso = new Date(Math.floor(instant.getTime() / MINUTE_MS) * MINUTE_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 13)}.${iso.slice(14, 16)} UTC`;
}
