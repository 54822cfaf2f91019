// Child process: the baseline for ack latency. A bare Bolt app over HTTP, with the same
// receiver settings as the bot, that acknowledges /rollback and a button and does nothing else.

import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { announceReady, exitWithParent } from './procs.js';

const receiver = new HTTPReceiver({
  signingSecret: process.env.BENCH_SLACK_SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
  processBeforeResponse: false,
  unhandledRequestTimeoutMillis: 2_500,
});
const botToken = process.env.BENCH_SLACK_BOT_TOKEN ?? '';
const app = new App({
  receiver,
  // A fixed authorization: the baseline talks to nobody (a single-token app would call auth.test
  // on its first request, towards slack.com).
  authorize: async () => ({ botToken, botId: 'B0ROLLBOT', botUserId: 'U0ROLLBOT' }),
});
app.command('/rollback', async ({ ack }) => {
  await ack();
});
app.action(/.*/, async ({ ack }) => {
  await ack();
});
const server = await receiver.start({ port: 0, host: '127.0.0.1' });
exitWithParent(async () => {
  await receiver.stop();
});
announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` });
