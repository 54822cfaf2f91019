// Background work waiting on nextTurn() (post-ack work, AWS and Slack calls) starts in arrival
// order, never synchronously, and runs in slices: the event loop gets to its timers and I/O
// between slices, so a long queue of work never holds it throughout.
import { expect, it } from 'vitest';
import { nextTurn, turnsWaiting } from '../../../src/runtime/turns.js';

/** Busy for `ms` of wall time, as a piece of synchronous work would be. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

it('runs waiting work in order, in slices with the event loop in between', async () => {
  const done: number[] = [];
  const all = Array.from({ length: 200 }, (_, i) =>
    nextTurn().then(() => {
      busy(0.2);
      done.push(i);
    }),
  );
  expect(turnsWaiting()).toBe(200);
  // A timer due after a few slices' worth of work: it must run before the queue is through.
  let doneWhenTimerRan = -1;
  setTimeout(() => {
    doneWhenTimerRan = done.length;
  }, 5);
  await Promise.all(all);
  expect(done).toEqual(Array.from({ length: 200 }, (_, i) => i));
  expect(doneWhenTimerRan).toBeGreaterThan(0);
  expect(doneWhenTimerRan).toBeLessThan(200);
  expect(turnsWaiting()).toBe(0);
});

it('lets waiting work start in arrival order, none of it synchronously', async () => {
  const order: string[] = [];
  const all = ['a', 'b', 'c'].map((name) => nextTurn().then(() => order.push(name)));
  await Promise.resolve();
  expect(order).toEqual([]);
  await Promise.all(all);
  expect(order).toEqual(['a', 'b', 'c']);
  // The queue drained: a later caller is let through too.
  await nextTurn();
});
