import { describe, expect, it } from 'vitest';
import {
  activeFreezes,
  type Freeze,
  MAX_FREEZE_MS,
  resolveFreezeEnd,
} from '../../../../src/domain/stage-locks/freezes.js';

const H = 3_600_000;
const now = new Date('2026-03-27T10:00:00Z');

function freeze(id: string, scope: string, from: string, until: string): Freeze {
  return {
    id,
    scope,
    reason: 'release train',
    by: 'U0FREEZER',
    from: new Date(from),
    until: new Date(until),
  };
}

describe('active freezes', () => {
  const freezes = [
    freeze('f1', 'prod', '2026-03-27T09:00:00Z', '2026-03-27T12:00:00Z'),
    freeze('f2', 'staging', '2026-03-27T09:00:00Z', '2026-03-27T12:00:00Z'),
    freeze('f3', 'prod', '2026-03-27T10:00:00Z', '2026-03-28T00:00:00Z'),
    freeze('f4', 'prod', '2026-03-26T00:00:00Z', '2026-03-27T10:00:00Z'),
    freeze('f5', 'prod', '2026-03-27T10:00:01Z', '2026-03-28T00:00:00Z'),
  ];
  it('counts from its start, up to but not at its end', () => {
    expect(activeFreezes(freezes, now).map((f) => f.id)).toEqual(['f1', 'f2', 'f3']);
  });
  it('filters by environment', () => {
    expect(activeFreezes(freezes, now, 'prod').map((f) => f.id)).toEqual(['f1', 'f3']);
    expect(activeFreezes(freezes, now, 'prod-eu')).toEqual([]);
  });
});

describe('when a freeze ends', () => {
  it.each([
    ['4h from now', { durationMs: 4 * H }, 'Europe/Berlin', now, '2026-03-27T14:00:00.000Z'],
    [
      'exactly 30 days',
      { durationMs: MAX_FREEZE_MS },
      'Europe/Berlin',
      now,
      '2026-04-26T10:00:00.000Z',
    ],
    // A date alone is its 00:00 local; 1 April is in summer time in Berlin.
    [
      'a Berlin date after the change',
      { at: '2026-04-01' },
      'Europe/Berlin',
      now,
      '2026-03-31T22:00:00.000Z',
    ],
    [
      'a Berlin date-time',
      { at: '2026-03-30T09:00' },
      'Europe/Berlin',
      now,
      '2026-03-30T07:00:00.000Z',
    ],
    [
      'a New York date-time after the change',
      { at: '2026-03-09T09:00' },
      'America/New_York',
      new Date('2026-03-06T12:00:00Z'),
      '2026-03-09T13:00:00.000Z',
    ],
    [
      'a New York date-time after the autumn change',
      { at: '2026-11-02T09:00' },
      'America/New_York',
      new Date('2026-10-30T12:00:00Z'),
      '2026-11-02T14:00:00.000Z',
    ],
    // The repeated hour reads as the later instant: the freeze lasts the longer.
    [
      'a repeated local time',
      { at: '2026-10-25T02:30' },
      'Europe/Berlin',
      new Date('2026-10-20T00:00:00Z'),
      '2026-10-25T01:30:00.000Z',
    ],
  ])('%s', (_name, spec, tz, at, until) => {
    const r = resolveFreezeEnd(spec, tz, at);
    expect(r).toEqual({ ok: true, until: new Date(until) });
  });

  it.each([
    ['zero length', { durationMs: 0 }, /greater than zero/],
    ['negative length', { durationMs: -H }, /greater than zero/],
    ['no end at all', { durationMs: Number.POSITIVE_INFINITY }, /greater than zero/],
    [
      '31 days',
      { durationMs: 31 * 24 * H },
      /at most 30 days \(until 2026-04-26 12:00 Europe\/Berlin\)/,
    ],
    ['30 days and a minute', { durationMs: MAX_FREEZE_MS + 60_000 }, /at most 30 days/],
    [
      'a date in the past',
      { at: '2026-03-27' },
      /2026-03-27 00:00 Europe\/Berlin is not in the future/,
    ],
    ['this very minute', { at: '2026-03-27T11:00' }, /not in the future/],
    ['a date too far out', { at: '2026-05-01' }, /at most 30 days/],
    [
      'not a date',
      { at: '2026-02-30' },
      /"2026-02-30" is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:mm \(Europe\/Berlin time\)/,
    ],
    ['words', { at: 'monday' }, /is not a date/],
  ])('refuses %s, in words', (_name, spec, message) => {
    const r = resolveFreezeEnd(spec, 'Europe/Berlin', now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
