// The local Slack redelivers Socket Mode envelopes as Slack does: one not acked within the ack
// timeout goes again (retry_attempt 1, 2, 3, retry_reason 'timeout', same payload), while the
// user sees the first attempt's error; envelopes sent while no connection is open (a refresh)
// wait for the next connection within the ack timeout, then fail with dispatch_failed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { type LocalSlack, startLocalSlack } from '../../../../src/sandbox/slack/index.js';
import { type Frame, openSocket } from '../../../support/socket-client.js';

const APP_TOKEN = 'xapp-1-local-test';
const oncall = 'U0ONCALL';
let slack: LocalSlack;
const sockets: WebSocket[] = [];

async function connect() {
  const response = await fetch(`${slack.apiUrl}apps.connections.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${APP_TOKEN}` },
  });
  const { url } = (await response.json()) as { url: string };
  const { ws, next } = await openSocket(url, sockets);
  expect((await next()).type).toBe('hello');
  return { ws, next, ack: (f: Frame) => ws.send(JSON.stringify({ envelope_id: f.envelope_id })) };
}

beforeEach(async () => {
  slack = await startLocalSlack({
    botToken: 'xoxb-local-test',
    signingSecret: 'unused-in-socket-mode',
    appToken: APP_TOKEN,
    transport: 'socket',
    rateLimits: false,
    ackTimeoutMs: 300,
  });
});
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await slack.close();
});

describe('redelivery of envelopes not acked in time', () => {
  it('sends the same payload again with retry_attempt 1, 2, 3 and stops when one is acked', async () => {
    const bot = await connect();
    const sent = slack.client.command('/rollback', 'prod deploy', { user: oncall });
    const first = await bot.next();
    expect(first).toMatchObject({ retry_attempt: 0, retry_reason: '' });
    // Not acked: the user sees Slack's timeout error for the command...
    expect(await sent).toMatchObject({ status: 0, error: 'operation_timeout' });
    // ...and the envelope comes again, same payload, new envelope id.
    const second = await bot.next();
    expect(second).toMatchObject({
      type: 'slash_commands',
      retry_attempt: 1,
      retry_reason: 'timeout',
    });
    expect(second.envelope_id).not.toBe(first.envelope_id);
    expect(second.payload).toEqual(first.payload);
    bot.ack(second);
    await expect.poll(() => slack.socketMode.deliveries().at(-1)?.outcome).toBe('acked');
    expect(slack.socketMode.deliveries().map((d) => [d.retryAttempt, d.outcome])).toEqual([
      [0, 'timeout'],
      [1, 'acked'],
    ]);
  });

  it('gives up after three redeliveries', async () => {
    const bot = await connect();
    await slack.client.command('/rollback', 'prod deploy', { user: oncall });
    const attempts = [];
    for (let i = 0; i < 3; i += 1) attempts.push((await bot.next()).retry_attempt);
    expect(attempts).toEqual([0, 1, 2]);
    expect((await bot.next()).retry_attempt).toBe(3);
    await expect.poll(() => slack.socketMode.deliveries().at(-1)?.outcome).toBe('timeout');
    expect(slack.socketMode.deliveries()).toHaveLength(4);
  });

  it('an ack lost on purpose (ignoreAcks) makes the envelope come again', async () => {
    const bot = await connect();
    slack.socketMode.ignoreAcks(1);
    const sent = slack.client.command('/rollback', 'status', { user: oncall });
    bot.ack(await bot.next());
    expect(await sent).toMatchObject({ error: 'operation_timeout' });
    const again = await bot.next();
    expect(again.retry_attempt).toBe(1);
    bot.ack(again);
    await expect.poll(() => slack.socketMode.deliveries().at(-1)?.outcome).toBe('acked');
  });
});

describe('envelopes while no connection is open', () => {
  it('are held during a refresh and go out on the next connection', async () => {
    const old = await connect();
    slack.socketMode.disconnect('refresh_requested');
    expect((await old.next()).type).toBe('disconnect');
    // The old connection is still open, but told to go: nothing more is sent there.
    const sent = slack.client.command('/rollback', 'status', { user: oncall });
    const fresh = await connect();
    const envelope = await fresh.next();
    expect(envelope).toMatchObject({ type: 'slash_commands', retry_attempt: 0 });
    fresh.ack(envelope);
    expect(await sent).toMatchObject({ status: 200 });
  });

  it('fail with dispatch_failed when none opens within the ack timeout', async () => {
    const started = Date.now();
    const result = await slack.client.command('/rollback', 'status', { user: oncall });
    expect(result).toMatchObject({ status: 0, error: 'dispatch_failed' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
