// Post-ack work starts in arrival order, never in the turn of the event loop that acked.
import { expect, it } from 'vitest';
import { afterAck } from '../../../src/slack/listeners/after-ack.js';

it('lets waiting work start in arrival order, none of it synchronously', async () => {
  const order: string[] = [];
  const all = ['a', 'b', 'c'].map((name) => afterAck().then(() => order.push(name)));
  await Promise.resolve();
  expect(order).toEqual([]);
  await Promise.all(all);
  expect(order).toEqual(['a', 'b', 'c']);
  // The queue drained: a later caller is let through too.
  await afterAck();
});
