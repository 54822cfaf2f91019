// Turns any error into one sentence a person can act on. Coded errors (src/domain/errors.ts)
// speak for themselves; a Redis outage (as the Redis door recognises one) says nothing was
// started; anything else is logged and summarised.
import { isCodedError } from '../domain/errors.js';
import { scrubSecrets } from '../log.js';
import { isConnectionError } from '../store/redis-errors.js';
import { sentence } from './blocks/format.js';

export function userFacingError(err: unknown): string {
  if (isCodedError(err)) return scrubSecrets(err.message);
  if (isConnectionError(err)) {
    return 'rollback-bot cannot reach its store (Redis) right now, so nothing was started or changed. Try again in a minute; if it persists, tell the platform team.';
  }
  const message = err instanceof Error ? err.message : String(err);
  return `Something went wrong and nothing was changed: ${sentence(scrubSecrets(message).slice(0, 300))} Try again; the platform team can find details in the bot's logs.`;
}
