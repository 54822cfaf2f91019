// A bounded wait gives the work's own outcome while it is in time, and the caller's "too late"
// once the bound passes, without cancelling the work or leaving its timer behind.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { DeadlineExceeded, settledWithin, within } from '../../../src/runtime/deadline.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A promise the test settles when it says. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

it('within: gives the value of work that answers in time, and clears its timer', async () => {
  const work = pending<string>();
  const bounded = within(work.promise, 100);
  await vi.advanceTimersByTimeAsync(99);
  work.resolve('answer');
  await expect(bounded).resolves.toBe('answer');
  expect(vi.getTimerCount()).toBe(0);
});

it('within: passes on the failure of work that fails in time', async () => {
  const work = pending<string>();
  const bounded = within(work.promise, 100);
  work.reject(new Error('store down'));
  await expect(bounded).rejects.toThrow('store down');
  expect(vi.getTimerCount()).toBe(0);
});

it('within: rejects with DeadlineExceeded once the bound passes, naming it', async () => {
  const work = pending<string>();
  const bounded = within(work.promise, 100);
  const outcome = bounded.catch((err: unknown) => err);
  await vi.advanceTimersByTimeAsync(99);
  let settled = false;
  void outcome.then(() => {
    settled = true;
  });
  await Promise.resolve();
  expect(settled).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  const err = await outcome;
  expect(err).toBeInstanceOf(DeadlineExceeded);
  expect((err as DeadlineExceeded).message).toBe('no answer within 100 ms');
  // Late work settles on its own, and nothing hears it.
  work.resolve('too late');
  await expect(work.promise).resolves.toBe('too late');
});

it('within: a bound already spent (negative) is over on the next timer tick', async () => {
  const bounded = within(new Promise<never>(() => {}), -5).catch((err: unknown) => err);
  await vi.advanceTimersByTimeAsync(0);
  expect(await bounded).toBeInstanceOf(DeadlineExceeded);
});

it('settledWithin: true when the work ends in time, false once the bound passes', async () => {
  const quick = pending<void>();
  const inTime = settledWithin(quick.promise, 50);
  quick.resolve();
  await expect(inTime).resolves.toBe(true);

  const slow = pending<void>();
  const late = settledWithin(slow.promise, 50);
  await vi.advanceTimersByTimeAsync(50);
  await expect(late).resolves.toBe(false);
  expect(vi.getTimerCount()).toBe(0);
});

it('settledWithin: passes on a failure within the bound', async () => {
  const work = pending<void>();
  const bounded = settledWithin(work.promise, 50);
  work.reject(new Error('close failed'));
  await expect(bounded).rejects.toThrow('close failed');
});
