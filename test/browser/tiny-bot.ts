// A tiny real Bolt app standing in for rollback-bot until the real one is wired: it answers
// /rollback with a button and reacts to the click. Swap it for the real bot later.
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

export interface TinyBot {
  url: string;
  /** The slash commands it received, in order. */
  commands: string[];
  stop(): Promise<void>;
}

export async function startTinyBot(opts: {
  slackApiUrl: string;
  botToken: string;
  signingSecret: string;
}): Promise<TinyBot> {
  const receiver = new HTTPReceiver({
    signingSecret: opts.signingSecret,
    endpoints: '/slack/events',
  });
  const app = new App({
    token: opts.botToken,
    receiver,
    clientOptions: { slackApiUrl: opts.slackApiUrl, rejectRateLimitedCalls: true },
    logLevel: LogLevel.ERROR,
  });

  const commands: string[] = [];
  app.use(async ({ body, next }) => {
    if (typeof (body as { command?: unknown }).command === 'string')
      commands.push((body as { command: string }).command);
    await next();
  });

  app.command('/rollback', async ({ ack, command, client }) => {
    await ack();
    await client.chat.postMessage({
      channel: command.channel_id,
      text: `Rollback of ${command.text} requested`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Rollback requested' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `<@${command.user_id}> asked to roll back *${command.text}*.`,
          },
          fields: [
            { type: 'mrkdwn', text: '*From*\n`v42` Speed up checkout' },
            { type: 'mrkdwn', text: '*To*\n`v41` Fix login redirect' },
          ],
        },
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            {
              type: 'button',
              action_id: 'tiny_rollback',
              style: 'danger',
              value: command.text,
              text: { type: 'plain_text', text: 'Roll back' },
              confirm: {
                title: { type: 'plain_text', text: 'Roll back prod?' },
                text: { type: 'plain_text', text: 'This redeploys v41 to prod.' },
                confirm: { type: 'plain_text', text: 'Roll back' },
                deny: { type: 'plain_text', text: 'Cancel' },
                style: 'danger',
              },
            },
          ],
        },
        { type: 'context', elements: [{ type: 'plain_text', text: 'tiny test bot' }] },
      ],
    });
  });

  app.action('tiny_rollback', async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions' || !body.channel || !body.message) return;
    await client.chat.update({
      channel: body.channel.id,
      ts: body.message.ts,
      text: 'Rolled back',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `:white_check_mark: Rolled back by <@${body.user.id}>.` },
        },
      ],
    });
  });

  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    commands,
    stop: () => app.stop().then(() => undefined),
  };
}
