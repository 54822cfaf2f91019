// Start-up: wait until a connection is ready; Redis URLs as logs show them (password hidden).
import type { Cluster, Redis } from 'ioredis';
import { type RedisTopology, topologyMismatch } from './redis-topology.js';

/**
 * Resolves once the connection is ready; rejects with a readable error after `timeoutMs`, or at
 * once when the error shows REDIS_MODE does not fit what answered (`topology` given).
 */
export function waitForRedisReady(
  redis: Redis | Cluster,
  timeoutMs: number,
  shownUrl: string,
  topology?: RedisTopology,
): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = '';
    const onError = (err: Error) => {
      lastError = err.message;
      const mismatch = topology && topologyMismatch(err, topology);
      if (mismatch) {
        cleanup();
        reject(mismatch);
      }
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `cannot reach Redis at ${shownUrl} within ${Math.round(timeoutMs / 1000)} s${lastError ? ` (${lastError})` : ''}: check REDIS_URL and that Redis is running`,
        ),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

/** The URL (or comma-separated URLs) without its password, for messages. */
export function redactRedisUrl(url: string): string {
  if (url.includes(','))
    return url
      .split(',')
      .map((u) => redactRedisUrl(u.trim()))
      .join(',');
  try {
    const u = new URL(url);
    if (u.password) u.password = 'redacted';
    return u.toString();
  } catch {
    return 'REDIS_URL (unparsable)';
  }
}
