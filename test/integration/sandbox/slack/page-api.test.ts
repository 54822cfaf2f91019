import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSlack, startLocalSlack } from '../../../../src/sandbox/slack/index.js';
import { type RecordingBot, startRecordingBot } from './recording-bot.js';

let slack: LocalSlack;
let bot: RecordingBot;
let aws: Server;
const awsCalls: { url: string; body: unknown }[] = [];

beforeEach(async () => {
  awsCalls.length = 0;
  aws = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'GET') {
      awsCalls.push({ url: `GET ${req.url}`, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"pipelines":[]}');
      return;
    }
    awsCalls.push({ url: String(req.url), body: JSON.parse(Buffer.concat(chunks).toString()) });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"pipelineExecutionId":"exec-1"}');
  });
  aws.listen(0, '127.0.0.1');
  await once(aws, 'listening');
  bot = await startRecordingBot();
  slack = await startLocalSlack({
    botToken: 'xoxb-page',
    signingSecret: 's',
    botUrl: bot.url,
    awsControlUrl: `http://127.0.0.1:${(aws.address() as AddressInfo).port}`,
    scenarios: { pipelines: ['shop-prod'], alarms: ['shop-prod-5xx'] },
  });
});
afterEach(async () => {
  await slack.close();
  await bot.close();
  await new Promise((resolve) => aws.close(resolve));
});

const act = (path: string, body: unknown) =>
  fetch(new URL(path, slack.pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('workspace page endpoints', () => {
  it('serves the page with a strict content security policy', async () => {
    const page = await fetch(slack.pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('Local stand-in for Slack');
    for (const file of ['app.js', 'blocks.js', 'local-aws.js', 'style.css']) {
      expect((await fetch(new URL(file, slack.pageUrl))).status).toBe(200);
    }
  });

  it('snapshots the workspace, including whether scenario controls apply', async () => {
    const state = (await (await fetch(new URL('/_page/state', slack.pageUrl))).json()) as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({
      awsControl: true,
      transport: 'http',
      botConnected: true,
      scenarios: { pipelines: ['shop-prod'] },
    });
  });

  it('forwards scenario buttons to the AWS control API', async () => {
    const response = await act('/_page/aws/executions', {
      pipeline: 'shop-prod',
      outcome: { failStage: 'Deploy' },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ pipelineExecutionId: 'exec-1' });
    await act('/_page/aws/alarms/shop-prod-5xx', { state: 'ALARM', reason: 'r' });
    expect(awsCalls).toEqual([
      {
        url: '/_sandbox/executions',
        body: { pipeline: 'shop-prod', outcome: { failStage: 'Deploy' } },
      },
      { url: '/_sandbox/alarms/shop-prod-5xx', body: { state: 'ALARM', reason: 'r' } },
    ]);
  });

  it("reads the AWS control API for the page's Local AWS panel", async () => {
    const response = await fetch(new URL('/_page/aws/pipelines', slack.pageUrl));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ pipelines: [] });
    expect(awsCalls).toEqual([{ url: 'GET /_sandbox/pipelines', body: '' }]);
  });

  it('sends commands typed in the message box, and plain messages as the acting user', async () => {
    const result = await act('/_page/command', {
      user: 'U0MANAGER',
      channel: 'C0DEPLOYSTG',
      text: '/rollback  status staging',
    });
    expect(await result.json()).toMatchObject({ status: 200 });
    expect(bot.requests[0]?.form).toMatchObject({
      command: '/rollback',
      text: 'status staging',
      user_id: 'U0MANAGER',
      channel_id: 'C0DEPLOYSTG',
    });
    await act('/_page/say', { user: 'U0OUTSIDER', channel: 'C0GENERAL', text: 'hello' });
    expect(slack.client.messages('general')).toMatchObject([
      { user: 'U0OUTSIDER', text: 'hello', source: 'user' },
    ]);
    const bad = await act('/_page/command', { user: 'U0MANAGER', channel: 'C0DEPLOYSTG' });
    expect(bad.status).toBe(400);
  });

  it('answers a mistyped command as Slack does, from Slackbot, and never sends it', async () => {
    const result = await act('/_page/command', {
      user: 'U0MANAGER',
      channel: 'C0DEPLOYSTG',
      text: '/rollbak status',
    });
    expect(await result.json()).toEqual({ status: 0 });
    expect(slack.client.ephemerals('U0MANAGER')).toMatchObject([
      {
        channel: 'C0DEPLOYSTG',
        user: 'USLACKBOT',
        source: 'slack',
        text: expect.stringMatching(/^\/rollbak is not a valid command\./),
      },
    ]);
    // The app's own command still goes through.
    await act('/_page/command', { user: 'U0MANAGER', channel: 'C0DEPLOYSTG', text: '/rollback' });
    expect(bot.requests.map((r) => r.form?.command)).toEqual(['/rollback']);
  });

  it('streams changes as Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(new URL('/_page/events', slack.pageUrl), {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    await reader.read(); // ": connected"
    await act('/_page/say', { user: 'U0ONCALL', channel: 'C0DEPLOYPROD', text: 'anyone?' });
    let received = '';
    while (!received.includes('\n\n'))
      received += new TextDecoder().decode((await reader.read()).value);
    const event = JSON.parse(received.replace(/^data: /, '')) as {
      kind: string;
      message: { text: string };
    };
    expect(event).toMatchObject({ kind: 'message', message: { text: 'anyone?' } });
    controller.abort();
  });
});
