// EventBridge API destinations send a fixed header we choose; compare it in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

export const SHARED_SECRET_HEADER = 'x-rollback-bot-secret';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** True when `presented` equals `expected`. Hashing first makes lengths equal and leaks none. */
export function sharedSecretMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
