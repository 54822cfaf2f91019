import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type LocalSlack, startLocalSlack } from '../../../../src/sandbox/slack/index.js';
import { openSocket } from '../../../support/socket-client.js';

const BOT_TOKEN = 'xoxb-local-test';
const APP_TOKEN = 'xapp-1-local-test';
const oncall = 'U0ONCALL';
let slack: LocalSlack;
const sockets: WebSocket[] = [];

const connect = (url: string) => openSocket(url, sockets);

async function openConnection(token = APP_TOKEN) {
  const response = await fetch(`${slack.apiUrl}apps.connections.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as { ok: boolean; url?: string; error?: string };
}

beforeEach(async () => {
  slack = await startLocalSlack({
    botToken: BOT_TOKEN,
    signingSecret: 'unused-in-socket-mode',
    appToken: APP_TOKEN,
    transport: 'socket',
    rateLimits: false,
    ackTimeoutMs: 200,
  });
});
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await slack.close();
});

describe('apps.connections.open', () => {
  it('answers a ws:// URL for the app-level token', async () => {
    const answer = await openConnection();
    expect(answer.ok).toBe(true);
    expect(answer.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+$/);
  });

  it('refuses a bot token, another app token and no token as Slack does', async () => {
    expect(await openConnection(BOT_TOKEN)).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(await openConnection('xapp-1-other')).toEqual({ ok: false, error: 'invalid_auth' });
    const none = await fetch(`${slack.apiUrl}apps.connections.open`, { method: 'POST' });
    expect(await none.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('lets each URL connect once', async () => {
    const { url } = await openConnection();
    await connect(url!);
    const again = new WebSocket(url!);
    sockets.push(again);
    const [error] = (await once(again, 'error')) as [Error];
    expect(error.message).toContain('401');
  });
});

describe('the Socket Mode connection', () => {
  it('says hello, then delivers a command whose ack payload is shown as the response', async () => {
    const { url } = await openConnection();
    const bot = await connect(url!);
    expect(await bot.next()).toMatchObject({
      type: 'hello',
      num_connections: 1,
      connection_info: { app_id: 'A0ROLLBACK' },
      debug_info: expect.objectContaining({ host: expect.any(String) }),
    });

    const sent = slack.client.command('/rollback', 'prod deploy', { user: oncall });
    const envelope = await bot.next();
    expect(envelope).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
      retry_attempt: 0,
      payload: { command: '/rollback', text: 'prod deploy', user_id: oncall },
    });
    bot.send({ envelope_id: envelope.envelope_id, payload: { text: 'Looking up prod deploy…' } });

    const result = await sent;
    expect(result).toMatchObject({ status: 200, ack: { text: 'Looking up prod deploy…' } });
    expect(result.error).toBeUndefined();
    expect(result.responses.map((m) => m.text)).toEqual(['Looking up prod deploy…']);
    expect(slack.client.ephemerals(oncall).map((m) => m.text)).toEqual(['Looking up prod deploy…']);
  });

  it('delivers a button click as an interactive envelope', async () => {
    const { url } = await openConnection();
    const bot = await connect(url!);
    await bot.next();
    const sent = slack.client.command('/rollback', '', { user: oncall });
    const command = await bot.next();
    bot.send({
      envelope_id: command.envelope_id,
      payload: {
        text: 'Pick one',
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Roll back' },
                action_id: 'rollback',
              },
            ],
          },
        ],
      },
    });
    const [note] = (await sent).responses;
    const click = slack.client.click(note!, 'Roll back', { user: oncall });
    const envelope = await bot.next();
    expect(envelope).toMatchObject({
      type: 'interactive',
      accepts_response_payload: false,
      payload: {
        type: 'block_actions',
        actions: [expect.objectContaining({ action_id: 'rollback' })],
      },
    });
    bot.send({ envelope_id: envelope.envelope_id });
    expect(await click).toMatchObject({ status: 200 });
  });

  it('treats an envelope not acked in time like a slow HTTP ack', async () => {
    const { url } = await openConnection();
    const bot = await connect(url!);
    await bot.next();
    const notices: string[] = [];
    slack.state.subscribe((event) => {
      if (event.kind === 'notice') notices.push(event.text);
    });
    const sent = slack.client.command('/rollback', 'prod deploy', { user: oncall });
    await bot.next();
    const result = await sent;
    expect(result).toMatchObject({ status: 0, error: 'operation_timeout' });
    expect(notices).toEqual(['/rollback failed with the error "operation_timeout"']);
  });

  it('answers dispatch_failed when no connection is open', async () => {
    const result = await slack.client.command('/rollback', 'prod deploy', { user: oncall });
    expect(result).toMatchObject({ status: 0, error: 'dispatch_failed' });
  });

  it('tells the page which transport is in use and whether a bot is connected', async () => {
    const pageState = async () =>
      (await (await fetch(new URL('/_page/state', slack.pageUrl))).json()) as Record<
        string,
        unknown
      >;
    expect(await pageState()).toMatchObject({ transport: 'socket', botConnected: false });
    const { url } = await openConnection();
    await (await connect(url!)).next();
    expect(await pageState()).toMatchObject({ transport: 'socket', botConnected: true });
  });

  it('sends disconnect on request', async () => {
    const { url } = await openConnection();
    const bot = await connect(url!);
    await bot.next();
    expect(slack.socketMode.connectionCount()).toBe(1);
    slack.socketMode.disconnect('refresh_requested');
    expect(await bot.next()).toMatchObject({ type: 'disconnect', reason: 'refresh_requested' });
    slack.socketMode.disconnect('warning');
    expect(await bot.next()).toMatchObject({ type: 'disconnect', reason: 'warning' });
  });
});
