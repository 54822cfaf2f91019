// The bot behind an HTTP proxy (a local one that counts what goes through it): given
// HTTP_PROXY (the local Slack and AWS endpoint are http://), its Slack Web API calls, respond()
// and AWS calls go through the proxy, over HTTP and over Socket Mode (the WebSocket tunnelled
// with CONNECT), with the proxy's Basic credentials; a host listed in NO_PROXY goes direct.
// Below that, at the agents: an https:// server reached by a CONNECT tunnel whose TLS is the
// server's own, kept alive across calls.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ulid } from 'ulid';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type RunningBot, startBot } from '../../../src/app/start-bot.js';
import { loadEnv } from '../../../src/config/env.js';
import { parseConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log.js';
import { createHttpAgents } from '../../../src/runtime/proxy.js';
import { proxySettingsOf } from '../../../src/runtime/proxy-settings.js';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import { type LocalSlack, startLocalSlack } from '../../../src/sandbox/slack/index.js';
import { ONCALL, PROD, WORLD } from '../../e2e/guardrails/guard-harness.js';
import { type ForwardProxy, startForwardProxy } from '../../support/forward-proxy.js';
import { FAST_SOCKET_MODE } from '../../support/harness.js';

const sandboxConfig = readFileSync(
  new URL('../../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const credentials = { user: 'bot', password: `pw-${randomBytes(4).toString('hex')}` };
const basic = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

interface Running {
  proxy: ForwardProxy;
  slack: LocalSlack;
  aws: AwsSandbox;
  bot: RunningBot;
  slackHost: string;
  awsHost: string;
}

/** The local Slack and AWS endpoint, the proxy, and the bot with `proxyEnv(…)` added. */
async function start(
  transport: 'http' | 'socket',
  proxyEnv: (p: { proxy: string; slackHost: string; awsHost: string }) => Record<string, string>,
): Promise<Running> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const proxy = await startForwardProxy({ credentials });
  stops.push(() => proxy.close());
  const aws = await startAwsSandbox({
    world: WORLD,
    time: { mode: 'realtime', stageDurationMs: 30 },
  });
  stops.push(() => aws.close());
  const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const appToken = transport === 'socket' ? `xapp-1-test-${randomBytes(6).toString('hex')}` : '';
  const slack = await startLocalSlack({
    botToken,
    signingSecret,
    ...(appToken ? { transport: 'socket' as const, appToken } : {}),
  });
  stops.push(() => slack.close());
  const slackHost = new URL(slack.apiUrl).host;
  const awsHost = new URL(aws.url).host;
  const withAuth = new URL(proxy.url);
  withAuth.username = credentials.user;
  withAuth.password = credentials.password;
  const env = loadEnv({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    ...(appToken ? { SLACK_APP_TOKEN: appToken } : {}),
    REDIS_URL: inject('redisUrl'),
    REDIS_MODE: inject('redisMode') ?? 'single',
    REDIS_PREFIX: `{t-${ulid()}}`,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.url,
    ROLLBACK_CONFIG: 'inline',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...proxyEnv({ proxy: withAuth.href, slackHost, awsHost }),
  });
  const bot = await startBot({
    env,
    config: parseConfig(sandboxConfig, 'test config', 'us-east-1'),
    log: createLogger(env.LOG_LEVEL),
    host: '127.0.0.1',
    overrides: transport === 'socket' ? { socketMode: FAST_SOCKET_MODE } : {},
  });
  stops.push(() => bot.stop());
  slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  return { proxy, slack, aws, bot, slackHost, awsHost };
}

/** `/rollback prod-us` answered with the review: Slack and AWS calls both, and respond(). */
async function askForReview(r: Running) {
  const cmd = await r.slack.client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
  expect(cmd.status).toBe(200);
  const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
  expect(review.visible_to).toBe(ONCALL);
}

const through = (r: Running, host: string) => r.proxy.seen.filter((s) => s.target === host);

describe('the bot behind HTTP_PROXY', () => {
  it('sends its Slack and AWS calls through the proxy, with its credentials', async () => {
    const r = await start('http', ({ proxy }) => ({ HTTP_PROXY: proxy }));
    await askForReview(r);
    const slackCalls = through(r, r.slackHost);
    const awsCalls = through(r, r.awsHost);
    expect(slackCalls.length).toBeGreaterThan(0);
    expect(awsCalls.length).toBeGreaterThan(0);
    // http:// targets are forwarded as absolute URLs (not tunnelled), every one authenticated.
    expect(r.proxy.seen.every((s) => s.kind === 'forward' && s.authorization === basic)).toBe(true);
    expect(slackCalls.some((s) => s.path?.startsWith('/api/'))).toBe(true);
    // Nothing reached the proxy that was not for Slack or AWS.
    expect(r.proxy.targets().sort()).toEqual([r.slackHost, r.awsHost].sort());
  });

  it('reaches a host in NO_PROXY direct (name:port), the others still through the proxy', async () => {
    const r = await start('http', ({ proxy, awsHost }) => ({
      http_proxy: proxy,
      NO_PROXY: `example.internal, ${awsHost}`,
    }));
    await askForReview(r);
    expect(through(r, r.awsHost)).toEqual([]);
    expect(r.aws.control.calls({}).length).toBeGreaterThan(0);
    expect(through(r, r.slackHost).length).toBeGreaterThan(0);
  });

  it('connects Socket Mode through the proxy: apps.connections.open and the WebSocket', async () => {
    const r = await start('socket', ({ proxy }) => ({ HTTP_PROXY: proxy }));
    expect(r.slack.socketMode.connectionCount()).toBe(1);
    await askForReview(r);
    const slackCalls = through(r, r.slackHost);
    expect(slackCalls.some((s) => s.path === '/api/apps.connections.open')).toBe(true);
    // The WebSocket is a CONNECT tunnel, authenticated like the rest.
    expect(slackCalls.filter((s) => s.kind === 'connect')).toEqual([
      { kind: 'connect', target: r.slackHost, authorization: basic },
    ]);
    expect(through(r, r.awsHost).length).toBeGreaterThan(0);
  });
});

describe('the agents, for an https:// target', () => {
  const cert = readFileSync(new URL('../../fixtures/tls/localhost-cert.pem', import.meta.url));
  const key = readFileSync(new URL('../../fixtures/tls/localhost-key.pem', import.meta.url));

  async function httpsServer() {
    const server = https.createServer({ cert, key }, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hello ${req.url}`);
    });
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function get(agent: https.Agent, url: string, ca?: Buffer) {
    return new Promise<string>((resolve, reject) => {
      https
        .get(url, { agent, ...(ca ? { ca } : {}) }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c;
          });
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        })
        .on('error', reject);
    });
  }

  it('tunnels with CONNECT, TLS end to end with the server, one tunnel kept alive', async () => {
    const proxy = await startForwardProxy({ credentials });
    stops.push(() => proxy.close());
    const target = await httpsServer();
    const withAuth = new URL(proxy.url);
    withAuth.username = credentials.user;
    withAuth.password = credentials.password;
    const agents = createHttpAgents(proxySettingsOf({ HTTPS_PROXY: withAuth.href }), {
      keepAlive: true,
      maxSockets: 5,
    });
    stops.push(async () => agents.destroy());
    expect(await get(agents.https, `${target}/one`, cert)).toBe('200 hello /one');
    expect(await get(agents.https, `${target}/two`, cert)).toBe('200 hello /two');
    const host = new URL(target).host;
    expect(proxy.seen).toEqual([{ kind: 'connect', target: host, authorization: basic }]);
    // The certificate is checked against the server's, not the proxy's: untrusted, it fails.
    const fresh = createHttpAgents(proxySettingsOf({ HTTPS_PROXY: withAuth.href }), {
      keepAlive: false,
      maxSockets: 5,
    });
    stops.push(async () => fresh.destroy());
    await expect(get(fresh.https, `${target}/three`)).rejects.toThrow(/self[- ]signed/i);
  });

  it('goes direct to a NO_PROXY host, and fails rather than go direct when the proxy refuses', async () => {
    const proxy = await startForwardProxy({ credentials });
    stops.push(() => proxy.close());
    const target = await httpsServer();
    const direct = createHttpAgents(
      proxySettingsOf({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.0/8' }),
      { keepAlive: false, maxSockets: 5 },
    );
    stops.push(async () => direct.destroy());
    expect(await get(direct.https, `${target}/direct`, cert)).toBe('200 hello /direct');
    expect(proxy.seen).toEqual([]);
    // Without the credentials the proxy answers 407: the call sees it, nothing goes around it.
    const refused = createHttpAgents(proxySettingsOf({ HTTPS_PROXY: proxy.url }), {
      keepAlive: false,
      maxSockets: 5,
    });
    stops.push(async () => refused.destroy());
    expect(await get(refused.https, `${target}/refused`, cert)).toMatch(/^407/);
    expect(proxy.seen.map((s) => s.kind)).toEqual(['connect']);
  });
});
