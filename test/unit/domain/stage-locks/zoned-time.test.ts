import { describe, expect, it } from 'vitest';
import {
  formatLocal,
  formatUtcForTransition,
  formatWhen,
  localToInstant,
  parseLocalDateTime,
  readLocal,
  wallClock,
} from '../../../../src/domain/stage-locks/zoned-time.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const local = (text: string) => {
  const l = parseLocalDateTime(text);
  if (!l) throw new Error(`bad fixture ${text}`);
  return l;
};
const iso = (d: Date) => d.toISOString();

describe('local date-time → instant', () => {
  it.each([
    // zone, local, kind, instants
    [BERLIN, '2026-01-15T09:00', 'unique', ['2026-01-15T08:00:00.000Z']],
    [BERLIN, '2026-07-15T09:00', 'unique', ['2026-07-15T07:00:00.000Z']],
    // spring forward: 02:00 CET → 03:00 CEST at 01:00Z; 02:30 never shows
    [BERLIN, '2026-03-29T02:30', 'skipped', ['2026-03-29T01:00:00.000Z']],
    [BERLIN, '2026-03-29T02:00', 'skipped', ['2026-03-29T01:00:00.000Z']],
    [BERLIN, '2026-03-29T03:00', 'unique', ['2026-03-29T01:00:00.000Z']],
    [BERLIN, '2026-03-29T01:59', 'unique', ['2026-03-29T00:59:00.000Z']],
    // fall back: 03:00 CEST → 02:00 CET at 01:00Z; 02:30 shows twice
    [
      BERLIN,
      '2026-10-25T02:30',
      'repeated',
      ['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z'],
    ],
    [BERLIN, '2026-10-25T03:00', 'unique', ['2026-10-25T02:00:00.000Z']],
    // New York: 02:00 EST → 03:00 EDT at 07:00Z; 02:00 EDT → 01:00 EST at 06:00Z
    [NEW_YORK, '2026-03-08T02:30', 'skipped', ['2026-03-08T07:00:00.000Z']],
    [NEW_YORK, '2026-03-08T01:30', 'unique', ['2026-03-08T06:30:00.000Z']],
    [
      NEW_YORK,
      '2026-11-01T01:30',
      'repeated',
      ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z'],
    ],
    [NEW_YORK, '2026-11-01T02:30', 'unique', ['2026-11-01T07:30:00.000Z']],
  ])('%s %s is %s', (zone, text, kind, instants) => {
    const r = readLocal(local(text), zone);
    expect(r.kind).toBe(kind);
    const got =
      r.kind === 'unique' ? [r.instant] : r.kind === 'repeated' ? [r.earlier, r.later] : [r.jump];
    expect(got.map(iso)).toEqual(instants);
  });

  it('picks the earlier or later reading of a repeated time, and the jump for a skipped one', () => {
    expect(iso(localToInstant(local('2026-10-25T02:30'), BERLIN))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(localToInstant(local('2026-10-25T02:30'), BERLIN, 'later'))).toBe(
      '2026-10-25T01:30:00.000Z',
    );
    expect(iso(localToInstant(local('2026-03-08T02:15'), NEW_YORK, 'later'))).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it('round-trips through the wall clock', () => {
    const w = wallClock(new Date('2026-10-25T01:30:00Z'), BERLIN);
    expect(w).toMatchObject({
      year: 2026,
      month: 10,
      day: 25,
      hour: 2,
      minute: 30,
      weekday: 'Sun',
    });
    expect(wallClock(new Date('2026-03-29T22:00:00Z'), BERLIN).hour).toBe(0);
  });
});

describe('parsing local date-times', () => {
  it.each([
    ['2026-12-19T18:00', { year: 2026, month: 12, day: 19, hour: 18, minute: 0, second: 0 }],
    ['2027-01-04', { year: 2027, month: 1, day: 4, hour: 0, minute: 0, second: 0 }],
    ['2026-12-19T18:00:30', { year: 2026, month: 12, day: 19, hour: 18, minute: 0, second: 30 }],
  ])('reads %s', (text, want) => {
    expect(parseLocalDateTime(text)).toEqual(want);
  });

  it.each([
    '2026-02-30',
    '2026-13-01',
    '2026-01-01T24:00',
    '2026-1-1',
    'tomorrow',
    '2026-01-01 09:00',
  ])('refuses %s', (text) => {
    expect(parseLocalDateTime(text)).toBeUndefined();
  });
});

describe('formatting', () => {
  const now = new Date('2026-03-27T17:00:00Z');
  it('says a weekday within six days, a date further out', () => {
    expect(formatWhen(new Date('2026-03-30T07:00:00Z'), BERLIN, now)).toBe('Mon 09:00');
    expect(formatWhen(new Date('2026-04-20T07:00:00Z'), BERLIN, now)).toBe('2026-04-20 09:00');
    expect(formatLocal(new Date('2027-01-04T08:00:00Z'), BERLIN)).toBe('2027-01-04 09:00');
  });
  it('writes UTC times with the characters a transition reason allows', () => {
    const text = formatUtcForTransition(new Date('2026-12-24T17:05:59Z'));
    expect(text).toBe('2026-12-24 17.05 UTC');
    expect(text).toMatch(/^[a-zA-Z0-9!@ ().*?-]+$/);
  });
});
