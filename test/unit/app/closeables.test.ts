// The stop order: consumers together (each waits out its own job, not the others'), then the
// rest newest first, so connections and queues outlive the consumers that use them; one with a
// bound is waited for no longer than that.
import { describe, expect, it } from 'vitest';
import { createCloseables } from '../../../src/app/closeables.js';
import { createLogger } from '../../../src/log.js';

describe('closeables', () => {
  it('closes the consumers at once, then the rest in reverse start order', async () => {
    const c = createCloseables(createLogger('silent'));
    const events: string[] = [];
    const releases: Array<() => void> = [];
    const slowConsumer = (name: string) => () =>
      new Promise<void>((resolve) => {
        events.push(`${name} closing`);
        releases.push(() => {
          events.push(`${name} closed`);
          resolve();
        });
      });
    c.add('redis', () => void events.push('redis closed'));
    c.add('queue', () => void events.push('queue closed'));
    c.add('worker-a', slowConsumer('worker-a'), { consumer: true });
    c.add('connection-b', () => void events.push('connection-b closed'));
    c.add('worker-b', slowConsumer('worker-b'), { consumer: true });
    const done = c.closeAll();
    await Promise.resolve();
    // Both consumers started closing before either finished, and nothing else yet.
    expect(events).toEqual(['worker-a closing', 'worker-b closing']);
    for (const release of releases) release();
    await done;
    expect(events.slice(2)).toEqual([
      'worker-a closed',
      'worker-b closed',
      'connection-b closed',
      'queue closed',
      'redis closed',
    ]);
  });

  it('closes the rest even when one close fails, and only once', async () => {
    const c = createCloseables(createLogger('silent'));
    const closed: string[] = [];
    c.add('first', () => void closed.push('first'));
    c.add('broken', () => {
      throw new Error('boom');
    });
    c.add('worker', () => void closed.push('worker'), { consumer: true });
    await Promise.all([c.closeAll(), c.closeAll()]);
    expect(closed).toEqual(['worker', 'first']);
  });

  it('waits for a bounded one no longer than its bound, then closes the rest', async () => {
    const c = createCloseables(createLogger('silent'));
    const closed: string[] = [];
    c.add('connection', () => void closed.push('connection'));
    // Never finishes closing.
    c.add('check', () => new Promise<void>(() => undefined), { consumer: true, waitAtMostMs: 50 });
    c.add('worker', () => void closed.push('worker'), { consumer: true });
    const started = Date.now();
    await c.closeAll();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(closed).toEqual(['worker', 'connection']);
  });
});
