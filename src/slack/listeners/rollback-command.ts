import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { nextTurn } from '../../runtime/turns.js';
import type { SlackMessage } from '../blocks/block-kit.js';
import type { CommandRunner, SlackServices } from '../slack-services.js';
import { userFacingError } from '../user-facing-error.js';

/** `/rollback …`: ack at once, then parse and run; every answer is private to the caller. */
export function rollbackCommand(s: SlackServices, run: CommandRunner, log: Logger) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    // Let other requests' acks go out before this one's work starts.
    await nextTurn();
    const reply = async (m: SlackMessage) => {
      await respond({ response_type: 'ephemeral', text: m.text, blocks: m.blocks });
    };
    try {
      await run(
        { ...s, user: command.user_id, channel: command.channel_id, reply },
        command.text ?? '',
      );
    } catch (err) {
      log.warn({ err, user: command.user_id }, '/rollback failed');
      await reply({ text: `:warning: ${userFacingError(err)}`, blocks: [] }).catch(() => undefined);
    }
  };
}
