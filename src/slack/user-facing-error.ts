// Turns any error into one sentence a person can act on. Coded errors speak for themselves;
// a Redis outage says nothing was started; anything else is logged and summarised.
import { EngineError } from '../domain/engine-errors.js';
import { scrubSecrets } from '../log.js';
import { PrincipalsUnavailableError } from '../services/principals.js';

const REDIS_DOWN =
  /enableOfflineQueue|Connection is closed|ECONNREFUSED|Stream isn't writeable|MaxRetriesPerRequest/i;

export function userFacingError(err: unknown): string {
  if (err instanceof EngineError || err instanceof PrincipalsUnavailableError)
    return scrubSecrets(err.message);
  const message = err instanceof Error ? err.message : String(err);
  if (REDIS_DOWN.test(message)) {
    return 'rollback-bot cannot reach its store (Redis) right now, so nothing was started or changed. Try again in a minute; if it persists, tell the platform team.';
  }
  return `Something went wrong and nothing was changed: ${scrubSecrets(message).slice(0, 300)}. Try again; the platform team can find details in the bot's logs.`;
}
