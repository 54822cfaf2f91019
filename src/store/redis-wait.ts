// Start-up: wait until a connection is ready; Redis URLs as logs show them (password hidden).
import type { Redis } from 'ioredis';

/** Resolves once the connection is ready; rejects with a readable error after `timeoutMs`. */
export function waitForRedisReady(
  redis: Redis,
  timeoutMs: number,
  shownUrl: string,
): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = '';
    const onError = (err: Error) => {
      lastError = err.message;
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

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'redacted';
    return u.toString();
  } catch {
    return 'REDIS_URL (unparsable)';
  }
}
