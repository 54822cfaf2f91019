// The one place a BullMQ Queue is made: a producer's handle on one of the queues of queues.ts,
// on a request-path connection, with its Redis errors folded into the outage log.
import { Queue } from 'bullmq';
import type { RedisConnection } from '../store/redis.js';
import { reportRedisErrors } from '../store/redis-health.js';
import { QUEUES, type QueueKind } from './queues.js';

export interface QueueSetup {
  /** A request-path connection (createRedis(url, 'request')): fails fast while Redis is down. */
  connection: RedisConnection;
  /** BullMQ key prefix: the configured REDIS_PREFIX (a `{hash-tag}`: one Redis Cluster slot). */
  prefix: string;
  /** Queue name. Default the queue's (queues.ts); tests use their own. */
  name?: string;
}

/** A queue of `Data` jobs named `Name`, spelled out so that a generic `Data` stays usable. */
export type JobQueue<Data, Name extends string = string> = Queue<
  Data,
  unknown,
  Name,
  Data,
  unknown,
  Name
>;

export function openQueue<Data, Name extends string = string>(
  kind: QueueKind,
  setup: QueueSetup,
): JobQueue<Data, Name> {
  const queue: JobQueue<Data, Name> = new Queue(setup.name ?? QUEUES[kind].name, {
    connection: setup.connection,
    prefix: setup.prefix,
  });
  reportRedisErrors(queue, setup.connection, `${kind}-queue`);
  return queue;
}
