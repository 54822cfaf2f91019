// What every button listener shares: ack first, answer privately, turn any error into one
// sentence a person can act on.
import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from '../../log.js';
import { nextTurn } from '../../runtime/turns.js';
import { userFacingError } from '../user-facing-error.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** A private answer that leaves the clicked message as it is. */
export const say = (text: string) => ({
  response_type: 'ephemeral' as const,
  replace_original: false,
  text,
});

/** Acks at once, then runs `fn`; an error becomes a private, readable answer. */
export function guarded(log: Logger, name: string, fn: (args: ButtonArgs) => Promise<void>) {
  return async (args: ButtonArgs) => {
    await args.ack();
    // Let other requests' acks go out before this one's work starts.
    await nextTurn();
    try {
      await fn(args);
    } catch (err) {
      log.warn({ err, action: name, user: args.body.user.id }, 'button failed');
      await args.respond(say(`:warning: ${userFacingError(err)}`)).catch(() => undefined);
    }
  };
}
