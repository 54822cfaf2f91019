// Follow-up work waits at its start while urgent work (acting on a failure) runs, and goes on as
// soon as the last urgent piece ends, or after its bounded wait.
import { afterEach, expect, it, vi } from 'vitest';
import { afterUrgent, urgently, urgentRunning } from '../../../src/runtime/urgency.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A promise and the function that settles it, for urgent work that ends when the test says. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

it('lets follow-up work through at once when nothing urgent runs', async () => {
  expect(urgentRunning()).toBe(0);
  let through = false;
  await afterUrgent().then(() => {
    through = true;
  });
  expect(through).toBe(true);
});

it('holds follow-up work until the last urgent work ends', async () => {
  const first = gate();
  const second = gate();
  const order: string[] = [];
  const a = urgently(async () => {
    await first.opened;
    order.push('urgent a');
  });
  const b = urgently(async () => {
    await second.opened;
    order.push('urgent b');
    return 'b';
  });
  expect(urgentRunning()).toBe(2);
  const followUp = afterUrgent(60_000).then(() => order.push('follow-up'));

  first.open();
  await a;
  // One urgent piece still runs: the follow-up still waits.
  await Promise.resolve();
  expect(order).toEqual(['urgent a']);

  second.open();
  expect(await b).toBe('b');
  await followUp;
  expect(order).toEqual(['urgent a', 'urgent b', 'follow-up']);
  expect(urgentRunning()).toBe(0);
});

it('counts urgent work that fails as ended', async () => {
  await expect(
    urgently(async () => {
      throw new Error('AWS said no');
    }),
  ).rejects.toThrow('AWS said no');
  expect(urgentRunning()).toBe(0);
});

it('never holds follow-up work longer than its bound', async () => {
  vi.useFakeTimers();
  const never = gate();
  const stuck = urgently(() => never.opened);
  let through = false;
  const followUp = afterUrgent(2_000).then(() => {
    through = true;
  });
  await vi.advanceTimersByTimeAsync(1_999);
  expect(through).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  await followUp;
  expect(through).toBe(true);
  never.open();
  await stuck;
});
