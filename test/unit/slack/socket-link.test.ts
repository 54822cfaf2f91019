// The Socket Mode reconnect loop over a stand-in client: transient failures are tried again with
// growing waits and readiness says why; a refused token ends in `failed` (once), never in a
// rejected promise; stop() ends the loop.
import { EventEmitter } from 'node:events';
import { afterEach, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { keepSocketLink, type SocketClient } from '../../../src/slack/socket-link.js';

class FakeClient extends EventEmitter implements SocketClient {
  /** What each start() does, in order; afterwards, connect. */
  plan: Array<'connect' | 'close' | Error> = [];
  starts = 0;
  async start(): Promise<unknown> {
    this.starts += 1;
    const step = this.plan.shift() ?? 'connect';
    if (step === 'connect') return {};
    this.emit('disconnected');
    throw step === 'close' ? undefined : step;
  }
  async disconnect(): Promise<void> {
    this.emit('disconnected');
  }
  drop() {
    this.emit('disconnected');
  }
}

const platform = (code: string) =>
  Object.assign(new Error(`An API error occurred: ${code}`), { data: { error: code } });

afterEach(() => {
  vi.useRealTimers();
});

function setUp() {
  vi.useFakeTimers();
  const client = new FakeClient();
  const link = keepSocketLink(client, {
    log: createLogger('silent'),
    now: () => Date.now(),
    stepMs: 1_000,
    maxDelayMs: 2_500,
    graceMs: 500,
    apiUrl: 'http://127.0.0.1:1/api/',
  });
  return { client, link };
}

it('retries transient failures n × step apart (capped), ready again once connected', async () => {
  const { client, link } = setUp();
  await link.start();
  expect(() => link.check()).not.toThrow();
  client.plan = [platform('internal_error'), new Error('connect ECONNREFUSED'), 'close', 'close'];
  client.drop();
  await vi.advanceTimersByTimeAsync(0);
  expect(client.starts).toBe(2); // the first try after a drop is at once
  expect(() => link.check()).not.toThrow(); // within the grace window
  await vi.advanceTimersByTimeAsync(999);
  expect(client.starts).toBe(2);
  expect(() => link.check()).toThrow(
    /Socket Mode disconnected for 1 s \(apps\.connections\.open answered internal_error\)/,
  );
  await vi.advanceTimersByTimeAsync(1);
  expect(client.starts).toBe(3);
  expect(() => link.check()).toThrow(/connect ECONNREFUSED/);
  await vi.advanceTimersByTimeAsync(2_000);
  expect(client.starts).toBe(4);
  await vi.advanceTimersByTimeAsync(2_499); // 3 × 1 s, capped at 2.5 s
  expect(client.starts).toBe(4);
  await vi.advanceTimersByTimeAsync(1);
  expect(client.starts).toBe(5);
  await vi.advanceTimersByTimeAsync(2_500);
  expect(client.starts).toBe(6);
  expect(() => link.check()).not.toThrow();
});

it('a refused token while reconnecting settles `failed` with what Slack said and what to do', async () => {
  const { client, link } = setUp();
  await link.start();
  client.plan = [platform('token_revoked')];
  client.drop();
  const err = await link.failed;
  expect(err.message).toMatch(
    /^Socket Mode: Slack refused SLACK_APP_TOKEN at apps\.connections\.open \(token_revoked\) while reconnecting\. Set SLACK_APP_TOKEN to an app-level token/,
  );
  expect(() => link.check()).toThrow(/Slack refused SLACK_APP_TOKEN \(token_revoked\)/);
  await vi.advanceTimersByTimeAsync(60_000);
  expect(client.starts).toBe(2); // no more tries
});

it('stop() during the wait between tries ends the loop', async () => {
  const { client, link } = setUp();
  await link.start();
  client.plan = [platform('internal_error')];
  client.drop();
  await vi.advanceTimersByTimeAsync(0);
  await link.stop();
  await vi.advanceTimersByTimeAsync(60_000);
  expect(client.starts).toBe(2);
  expect(() => link.check()).toThrow(/Socket Mode stopped/);
});

it('a refusal at start-up throws the clear error (never `failed`)', async () => {
  const { client, link } = setUp();
  client.plan = [platform('invalid_auth')];
  await expect(link.start()).rejects.toThrow(
    /Slack refused SLACK_APP_TOKEN at apps\.connections\.open \(invalid_auth\)\. Set/,
  );
  expect(() => link.check()).toThrow(/not connected yet/);
});
