// A cluster client left closed with nobody reconnecting it connects again by itself. ioredis 5
// can leave one so: its connect() gives up ("Connection is aborted") when the status turned
// 'close' meanwhile, which a node connection ending late does (after a disconnect, the pool
// empties again). BullMQ's blocking connection hits it after a killed primary (its recovery
// disconnects and connects at once): the worker then waited for 'ready' forever and its close
// never ended (test/e2e/cluster-failover.test.ts). Here the late end is played by the pool's
// 'drain' event, the one ioredis reacts to, emitted right after connect() starts.
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { createRedis, type RedisConnection } from '../../../src/store/redis.js';
import { redisTopology } from '../../../src/store/redis-topology.js';
import { useRedisCluster } from '../../support/redis-cluster.js';

const cluster = useRedisCluster();

let redis: RedisConnection | undefined;
afterEach(() => {
  redis?.disconnect();
  redis = undefined;
});

it('connects again when a connect() was aborted by a late close', async () => {
  const c = createRedis(redisTopology(cluster().url, 'cluster'), 'worker');
  redis = c;
  c.on('error', () => undefined);
  await c.ping();
  if (!('nodes' in c)) throw new Error('expected a cluster client');
  // What BullMQ's blocking-cluster recovery does: disconnect, then (here once it has ended)
  // connect again.
  c.disconnect();
  await once(c, 'end');
  const aborted = c.connect();
  (c as unknown as { connectionPool: NodeJS.EventEmitter }).connectionPool.emit('drain');
  await expect(aborted).rejects.toThrow(/aborted/);
  expect(c.status).toBe('close');
  // Nothing in ioredis reconnects it now; the bot's client does, within about a second.
  await once(c, 'ready');
  expect(await c.ping()).toBe('PONG');
});

it('stays closed when closed on purpose', async () => {
  const c = createRedis(redisTopology(cluster().url, 'cluster'), 'worker');
  redis = c;
  c.on('error', () => undefined);
  await c.ping();
  c.disconnect();
  await once(c, 'end');
  const reconnects: string[] = [];
  for (const event of ['connecting', 'ready'] as const) c.on(event, () => reconnects.push(event));
  // Longer than the bot's wait before it reconnects a client left closed (1 s).
  await new Promise((r) => setTimeout(r, 1_500));
  expect(reconnects).toEqual([]);
  // 'close' after 'end' is ioredis's late node end again; no reconnect follows it.
  expect(['end', 'close']).toContain(c.status);
});
