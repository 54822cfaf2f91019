import { describe, expect, it } from 'vitest';
import type { WindowsPolicy } from '../../../../src/config/config.js';
import {
  blackoutPeriods,
  evaluateWindows,
} from '../../../../src/domain/stage-locks/deploy-windows.js';

const H = 3_600_000;
const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

function policy(
  timezone: string,
  allow: Array<[string, number]>,
  blackout: WindowsPolicy['blackout'] = [],
): WindowsPolicy {
  return {
    timezone,
    allow: allow.map(([cron, durationMs]) => ({ cron, durationMs })),
    blackout,
    rollbacksDuringFreeze: 'require-approval',
  };
}
const at = (s: string) => new Date(s);
const iso = (d: Date | undefined) => d?.toISOString();

describe('no windows configured', () => {
  it('is always open, with nothing scheduled to close', () => {
    const s = evaluateWindows(policy(BERLIN, []), at('2026-03-29T01:30:00Z'));
    expect(s).toMatchObject({ open: true, window: { inside: true } });
    expect(s.nextClose).toBeUndefined();
    expect(s.reason).toBeUndefined();
  });
});

describe('weekday office hours across the spring change', () => {
  // Mon–Fri 09:00 for 8h. Berlin: 08:00Z in winter, 07:00Z in summer.
  const berlin = policy(BERLIN, [['0 9 * * 1-5', 8 * H]]);
  const newYork = policy(NEW_YORK, [['0 9 * * 1-5', 8 * H]]);

  it.each([
    // [policy, now, open, nextOpen or nextClose]
    ['Berlin Fri 08:59 CET', berlin, '2026-03-27T07:59:00Z', false, '2026-03-27T08:00:00.000Z'],
    ['Berlin Fri 09:00 CET', berlin, '2026-03-27T08:00:00Z', true, '2026-03-27T16:00:00.000Z'],
    ['Berlin Fri 16:59 CET', berlin, '2026-03-27T15:59:00Z', true, '2026-03-27T16:00:00.000Z'],
    ['Berlin Fri 17:00 CET', berlin, '2026-03-27T16:00:00Z', false, '2026-03-30T07:00:00.000Z'],
    ['Berlin Sun on the change', berlin, '2026-03-29T01:30:00Z', false, '2026-03-30T07:00:00.000Z'],
    ['Berlin Mon 09:00 CEST', berlin, '2026-03-30T07:00:00Z', true, '2026-03-30T15:00:00.000Z'],
    ['Berlin Mon 08:30 CEST', berlin, '2026-03-30T06:30:00Z', false, '2026-03-30T07:00:00.000Z'],
    ['NY Fri after hours EST', newYork, '2026-03-06T23:00:00Z', false, '2026-03-09T13:00:00.000Z'],
    ['NY Mon 09:00 EDT', newYork, '2026-03-09T13:00:00Z', true, '2026-03-09T21:00:00.000Z'],
    [
      'NY Mon 08:59 EDT (13:59 UTC in winter)',
      newYork,
      '2026-03-09T12:59:00Z',
      false,
      '2026-03-09T13:00:00.000Z',
    ],
  ])('%s', (_name, p, now, open, next) => {
    const s = evaluateWindows(p, at(now));
    expect(s.open).toBe(open);
    expect(iso(open ? s.nextClose : s.nextOpen)).toBe(next);
  });

  it('says when it opens, in the zone, in words', () => {
    const s = evaluateWindows(berlin, at('2026-03-27T16:00:00Z'));
    expect(s.reason).toBe('outside the deploy window (opens Mon 09:00 Europe/Berlin)');
    expect(s.window).toMatchObject({ inside: false });
    expect(iso(s.window.opensAt)).toBe('2026-03-30T07:00:00.000Z');
  });
});

describe('weekday office hours across the autumn change', () => {
  const berlin = policy(BERLIN, [['0 9 * * 1-5', 8 * H]]);
  const newYork = policy(NEW_YORK, [['0 9 * * 1-5', 8 * H]]);
  it('Berlin opens Mon 26 Oct at 09:00 CET (08:00Z)', () => {
    const s = evaluateWindows(berlin, at('2026-10-25T01:30:00Z'));
    expect(s.open).toBe(false);
    expect(iso(s.nextOpen)).toBe('2026-10-26T08:00:00.000Z');
  });
  it('New York opens Mon 2 Nov at 09:00 EST (14:00Z), and 13:30Z is still closed', () => {
    expect(iso(evaluateWindows(newYork, at('2026-10-30T22:00:00Z')).nextOpen)).toBe(
      '2026-11-02T14:00:00.000Z',
    );
    expect(evaluateWindows(newYork, at('2026-11-02T13:30:00Z')).open).toBe(false);
    expect(evaluateWindows(newYork, at('2026-11-02T14:00:00Z')).open).toBe(true);
  });
});

describe('a night window spanning the change keeps its wall-clock end', () => {
  // 22:00 for 8h closes at 06:00 local: 7 real hours in spring, 9 in autumn.
  it.each([
    ['Berlin spring', BERLIN, '2026-03-28T21:00:00Z', '2026-03-29T04:00:00.000Z'],
    ['Berlin autumn', BERLIN, '2026-10-24T20:00:00Z', '2026-10-25T05:00:00.000Z'],
    ['New York spring', NEW_YORK, '2026-03-08T03:00:00Z', '2026-03-08T10:00:00.000Z'],
    ['New York autumn', NEW_YORK, '2026-11-01T02:00:00Z', '2026-11-01T11:00:00.000Z'],
  ])('%s', (_name, zone, start, end) => {
    const p = policy(zone, [['0 22 * * *', 8 * H]]);
    const opened = evaluateWindows(p, at(start));
    expect(opened.open).toBe(true);
    expect(iso(opened.nextClose)).toBe(end);
    const justBefore = new Date(at(end).getTime() - 1);
    expect(evaluateWindows(p, justBefore).open).toBe(true);
    expect(evaluateWindows(p, at(end)).open).toBe(false);
    expect(evaluateWindows(p, new Date(at(start).getTime() - 1)).open).toBe(false);
  });
});

describe('windows that start or end in the skipped or repeated hour', () => {
  it('a start the clocks skip opens when they jump, and keeps its length', () => {
    // 02:30 for 1h, Berlin, 29 Mar: opens at 03:00 CEST (01:00Z), closes 04:00 CEST (02:00Z).
    const p = policy(BERLIN, [['30 2 * * *', H]]);
    expect(evaluateWindows(p, at('2026-03-29T00:59:00Z')).open).toBe(false);
    expect(iso(evaluateWindows(p, at('2026-03-29T00:59:00Z')).nextOpen)).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    const s = evaluateWindows(p, at('2026-03-29T01:30:00Z'));
    expect(s.open).toBe(true);
    expect(iso(s.nextClose)).toBe('2026-03-29T02:00:00.000Z');
  });

  it('a start in the repeated hour opens once, at the first reading', () => {
    // New York 01:30 for 1h on 1 Nov: opens 01:30 EDT (05:30Z) and closes at 02:30 EST (07:30Z).
    const p = policy(NEW_YORK, [['30 1 * * *', H]]);
    expect(evaluateWindows(p, at('2026-11-01T05:29:00Z')).open).toBe(false);
    const s = evaluateWindows(p, at('2026-11-01T05:30:00Z'));
    expect(s.open).toBe(true);
    expect(iso(s.nextClose)).toBe('2026-11-01T07:30:00.000Z');
    expect(evaluateWindows(p, at('2026-11-01T06:45:00Z')).open).toBe(true);
    expect(evaluateWindows(p, at('2026-11-01T07:30:00Z')).open).toBe(false);
  });

  it('an end the clocks skip closes when they jump', () => {
    // Berlin 01:00 for 90min on 29 Mar: 02:30 does not exist; closes at 03:00 CEST (01:00Z).
    const p = policy(BERLIN, [['0 1 * * *', 90 * 60_000]]);
    const s = evaluateWindows(p, at('2026-03-29T00:30:00Z'));
    expect(s.open).toBe(true);
    expect(iso(s.nextClose)).toBe('2026-03-29T01:00:00.000Z');
    expect(evaluateWindows(p, at('2026-03-29T01:00:00Z')).open).toBe(false);
  });

  it('an end in the repeated hour closes at its first reading', () => {
    // Berlin 01:00 for 90min on 25 Oct: closes 02:30 CEST (00:30Z), not 02:30 CET.
    const p = policy(BERLIN, [['0 1 * * *', 90 * 60_000]]);
    expect(iso(evaluateWindows(p, at('2026-10-24T23:30:00Z')).nextClose)).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(evaluateWindows(p, at('2026-10-25T00:45:00Z')).open).toBe(false);
  });

  it('an hourly window in the repeated hour never ends before it starts', () => {
    // Berlin every hour for 30min: the 02:00 CET run (01:00Z) closes 02:30 CET (01:30Z).
    const p = policy(BERLIN, [['0 * * * *', 30 * 60_000]]);
    const s = evaluateWindows(p, at('2026-10-25T01:10:00Z'));
    expect(s.open).toBe(true);
    expect(iso(s.nextClose)).toBe('2026-10-25T01:30:00.000Z');
  });
});

describe('overlapping and touching windows', () => {
  it('close at the end of the run, not the end of the first window', () => {
    const p = policy(BERLIN, [
      ['0 9 * * *', 4 * H],
      ['0 13 * * *', 4 * H],
    ]);
    const s = evaluateWindows(p, at('2026-06-10T08:00:00Z'));
    expect(s.open).toBe(true);
    expect(iso(s.nextClose)).toBe('2026-06-10T15:00:00.000Z');
  });
});

describe('blackouts', () => {
  const holiday = {
    from: '2026-12-19T18:00',
    to: '2027-01-04T09:00',
    reason: 'Holiday freeze',
  };

  it('close deploys with the reason and the local end', () => {
    const p = policy(BERLIN, [], [holiday]);
    const s = evaluateWindows(p, at('2026-12-24T12:00:00Z'));
    expect(s.open).toBe(false);
    expect(s.reason).toBe('Holiday freeze until 2027-01-04 09:00 Europe/Berlin');
    expect(iso(s.nextOpen)).toBe('2027-01-04T08:00:00.000Z');
    expect(s.activeBlackout?.reason).toBe('Holiday freeze');
    expect(s.window.inside).toBe(true);
  });

  it('start and end exactly on their local times', () => {
    const p = policy(BERLIN, [], [holiday]);
    expect(evaluateWindows(p, at('2026-12-19T16:59:59Z')).open).toBe(true);
    expect(evaluateWindows(p, at('2026-12-19T17:00:00Z')).open).toBe(false);
    expect(evaluateWindows(p, at('2027-01-04T07:59:59Z')).open).toBe(false);
    expect(evaluateWindows(p, at('2027-01-04T08:00:00Z')).open).toBe(true);
    expect(iso(evaluateWindows(p, at('2026-12-19T12:00:00Z')).nextClose)).toBe(
      '2026-12-19T17:00:00.000Z',
    );
  });

  it.each([
    // A blackout across the spring change: starts in CET, ends in CEST.
    [
      BERLIN,
      '2026-03-28T12:00',
      '2026-03-30T12:00',
      '2026-03-28T11:00:00.000Z',
      '2026-03-30T10:00:00.000Z',
    ],
    [
      NEW_YORK,
      '2026-03-07T12:00',
      '2026-03-09T12:00',
      '2026-03-07T17:00:00.000Z',
      '2026-03-09T16:00:00.000Z',
    ],
    // Across the autumn change: starts in summer time, ends in winter time.
    [
      BERLIN,
      '2026-10-24T12:00',
      '2026-10-26T12:00',
      '2026-10-24T10:00:00.000Z',
      '2026-10-26T11:00:00.000Z',
    ],
    [
      NEW_YORK,
      '2026-10-31T12:00',
      '2026-11-02T12:00',
      '2026-10-31T16:00:00.000Z',
      '2026-11-02T17:00:00.000Z',
    ],
    // Ends in a skipped hour: at the jump. Starts in a skipped hour: at the jump.
    [
      BERLIN,
      '2026-03-28T20:00',
      '2026-03-29T02:30',
      '2026-03-28T19:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      NEW_YORK,
      '2026-03-08T02:30',
      '2026-03-08T09:00',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
    ],
    // In the repeated hour: starts at the first reading, ends at the second (covers both).
    [
      BERLIN,
      '2026-10-25T02:15',
      '2026-10-25T02:45',
      '2026-10-25T00:15:00.000Z',
      '2026-10-25T01:45:00.000Z',
    ],
    [
      NEW_YORK,
      '2026-11-01T01:30',
      '2026-11-01T01:45',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:45:00.000Z',
    ],
  ])('%s %s … %s', (zone, from, to, fromUtc, toUtc) => {
    const p = policy(zone, [], [{ from, to, reason: 'Change freeze' }]);
    const [b] = blackoutPeriods(p);
    expect(iso(b?.from)).toBe(fromUtc);
    expect(iso(b?.to)).toBe(toUtc);
    expect(evaluateWindows(p, new Date(at(fromUtc).getTime() - 1)).open).toBe(true);
    expect(evaluateWindows(p, at(fromUtc)).open).toBe(false);
    expect(evaluateWindows(p, new Date(at(toUtc).getTime() - 1)).open).toBe(false);
    expect(evaluateWindows(p, at(toUtc)).open).toBe(true);
  });

  it('with windows: reopen at the first window after the blackout, and report both', () => {
    const p = policy(
      BERLIN,
      [['0 9 * * 1-5', 8 * H]],
      [{ from: '2026-03-30T00:00', to: '2026-03-30T12:00', reason: 'DB upgrade' }],
    );
    // Mon 30 Mar 07:30Z = 09:30 CEST: inside the window, inside the blackout.
    const s = evaluateWindows(p, at('2026-03-30T07:30:00Z'));
    expect(s.open).toBe(false);
    expect(s.reason).toBe('DB upgrade until 2026-03-30 12:00 Europe/Berlin');
    expect(s.window.inside).toBe(true);
    expect(iso(s.nextOpen)).toBe('2026-03-30T10:00:00.000Z');
    // Sunday: window closed and a blackout later; opens after the blackout, inside Monday's window.
    const sunday = evaluateWindows(p, at('2026-03-29T12:00:00Z'));
    expect(sunday.open).toBe(false);
    expect(iso(sunday.nextOpen)).toBe('2026-03-30T10:00:00.000Z');
  });

  it('a blackout that starts during an open window is the next close', () => {
    const p = policy(
      BERLIN,
      [['0 9 * * 1-5', 8 * H]],
      [{ from: '2026-03-31T14:00', to: '2026-04-01T12:00', reason: 'Launch' }],
    );
    const s = evaluateWindows(p, at('2026-03-31T08:00:00Z'));
    expect(s.open).toBe(true);
    expect(iso(s.nextClose)).toBe('2026-03-31T12:00:00.000Z');
  });
});

describe('windows that never open', () => {
  it('say so instead of naming a time', () => {
    const p = policy(BERLIN, [['0 9 30 2 *', H]]);
    const s = evaluateWindows(p, at('2026-03-01T00:00:00Z'));
    expect(s.open).toBe(false);
    expect(s.nextOpen).toBeUndefined();
    expect(s.reason).toBe('outside the deploy window (none opens in the next 35 days)');
  });
});
