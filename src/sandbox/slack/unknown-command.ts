// A slash command the app does not have: Slack answers it itself, privately and from Slackbot,
// and never sends it to any app. The app's commands are manifest.yml's (or the workspace's own).
import { manifestSlashCommands } from './manifest-scopes.js';
import type { Message } from './state.js';
import type { ApiContext } from './web-api.js';

/** Slackbot's user id, as Slack writes it. */
export const SLACKBOT = 'USLACKBOT';

export function isAppCommand(ctx: ApiContext, command: string): boolean {
  const known = ctx.workspace.commands ?? manifestSlashCommands();
  return known.includes(command);
}

/** Slack's own answer to an unknown command: only the person who typed it sees it. */
export function answerUnknownCommand(
  ctx: ApiContext,
  at: { channel: string; user: string; command: string },
): Message {
  const text = `${at.command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`;
  return ctx.state.addEphemeral({
    channel: at.channel,
    ts: ctx.state.nextTs(),
    text,
    blocks: [],
    user: SLACKBOT,
    visible_to: at.user,
    source: 'slack',
  });
}
