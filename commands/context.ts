// What a subcommand handler gets: the services, who asked and where, and a private reply.
import type { SlackMessage } from '../src/slack/blocks/block-kit.js';
import type { CommandCaller, SlackServices } from '../src/slack/slack-services.js';

/** The services (src/slack/slack-services.ts), who asked and where, and a private reply. */
export interface CommandContext extends SlackServices, CommandCaller {}

export function text(message: string): SlackMessage {
  return { text: message, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: message } }] };
}
