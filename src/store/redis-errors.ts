// How the Redis door recognises Redis's failures, in one place. A reply error carries Redis's own
// code as its first word (the protocol's rule: `BUSYGROUP`, `NOGROUP`, `LOADING`…). A lost
// connection has a Node code when the socket failed; ioredis words the others (closed, offline
// queue off, command timeout) as plain Errors with no code, so only here are those read by their
// words. Nothing outside src/store recognises a Redis error by its message.
import { ReplyError } from 'ioredis';

/** Redis's code of an error reply (`BUSYGROUP`…), or undefined for any other error. */
export function redisReplyCode(err: unknown): string | undefined {
  if (!(err instanceof ReplyError)) return undefined;
  return /^[A-Z]+(?=\s|$)/.exec((err as Error).message)?.[0];
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A Node network code as a word of its own ("connect ECONNREFUSED 127.0.0.1:6379"), never inside another word. */
const CODE_IN_TEXT = new RegExp(`\\b(${[...CONNECTION_CODES].join('|')})\\b`);

/**
 * Codes a Redis Cluster answers while a slot changes hands (a failover): a blocked command is
 * unblocked when its node turns replica, a write reaches a replica, the slot is briefly unserved.
 * The cluster client retries MOVED, ASK, TRYAGAIN and CLUSTERDOWN itself; these reach a caller
 * only when its retries ran out, or (UNBLOCKED, READONLY) not at all.
 */
const FAILOVER_CODES = new Set(['UNBLOCKED', 'READONLY', 'CLUSTERDOWN', 'TRYAGAIN', 'MASTERDOWN']);

/** An answer of a cluster in the middle of a failover (FAILOVER_CODES). */
export function isFailoverError(err: unknown): boolean {
  const code = redisReplyCode(err);
  return code !== undefined && FAILOVER_CODES.has(code);
}

/** A lost, refused or not-yet-ready connection, as ioredis and BullMQ word it. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code } = err as { code?: unknown };
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ConnectionClosedError') return true;
  const m = err.message;
  return (
    m === 'Connection is closed.' ||
    m.startsWith("Stream isn't writeable") ||
    m.startsWith('LOADING ') ||
    m.includes('Command timed out') ||
    CODE_IN_TEXT.test(m)
  );
}
