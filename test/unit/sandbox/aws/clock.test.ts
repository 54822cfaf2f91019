import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../../src/sandbox/aws/clock.js';
import { validateTransitionReason } from '../../../../src/sandbox/aws/pipelines/model.js';

describe('SimClock', () => {
  it('runs due tasks in time order, each at its own instant, including tasks they schedule', () => {
    const clock = new SimClock(1000);
    const seen: Array<[string, number]> = [];
    clock.schedule(50, () => seen.push(['b', clock.now()]));
    clock.schedule(10, () => {
      seen.push(['a', clock.now()]);
      clock.schedule(10, () => seen.push(['a2', clock.now()]));
    });
    clock.schedule(500, () => seen.push(['late', clock.now()]));
    clock.advance(100);
    expect(seen).toEqual([
      ['a', 1010],
      ['a2', 1020],
      ['b', 1050],
    ]);
    expect(clock.now()).toBe(1100);
    clock.runUntilIdle();
    expect(seen.at(-1)).toEqual(['late', 1500]);
    expect(clock.pending()).toBe(0);
  });
});

describe('transition reasons', () => {
  it.each(['Freeze by @bob (2h) - ok?!*.', 'x'.repeat(300)])('accepts %s', (reason) => {
    expect(() => validateTransitionReason(reason)).not.toThrow();
  });
  it.each(['', 'a,b', 'a:b', 'a_b', 'a/b', 'a"b', '#1', 'a\nb', 'x'.repeat(301)])(
    'rejects %j',
    (reason) => {
      expect(() => validateTransitionReason(reason)).toThrow(/reason/);
    },
  );
});
