// The real bot process through a Redis outage: its private redis-server is stopped (or killed,
// losing its data) for a few seconds and started again on the same port. Everything the process writes, on stdout and
// stderr, stays JSON; the outage is a handful of lines (unreachable, still unreachable every few
// seconds, reachable again), not one per reconnect attempt; the password in REDIS_URL never shows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startRedisServer } from '../../../scripts/lib/redis-server.mjs';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import { startLocalSlack } from '../../../src/sandbox/slack/index.js';
import { type BotProcess, spawnBot } from '../../support/bot-process.js';
import { reactionsWorld } from '../../support/reactions-world.js';

/** How long Redis stays away: long enough for several reconnect attempts of every connection. */
const OUTAGE_MS = 6_000;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Rejects naming `what` if `p` has not settled within `ms`: a deadline, not a pause. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Looks again every 50 ms (after `probe`, if any) until `check` holds, or fails naming `what`. */
async function until(
  what: string,
  check: () => boolean,
  ms = 10_000,
  probe?: () => Promise<void>,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    await probe?.();
    if (check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The start-up check for missed failures is off: it reads GetPipelineState too, and the test
// counts the poller's reads to know the workers run.
const config = `
events:
  poll: { enabled: true, interval: 1s }
  startupLookBack: off
environments:
  prod:
    channel: C0DEPLOYPROD
    region: us-east-1
    pipeline: web-app
    stages: { Deploy: {} }
    alarms: [web-5xx]
    bake: 10m
    autoRollback: on-failure-and-alarm
`;

const linesOf = (text: string) => text.split('\n').filter((l) => l.length > 0);
function parsed(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const cases = [
  // Restarted: the AOF keeps the data, so the poller's job scheduler is still there afterwards.
  { how: 'stopped (SIGTERM), data kept', appendonly: true, signal: 'SIGTERM' },
  // Killed without persistence: Redis comes back empty (the status follower's group is gone too).
  { how: 'killed (SIGKILL), data lost', appendonly: false, signal: 'SIGKILL' },
] as const;

describe('a Redis outage, seen from the process output', () => {
  it.each(cases)(
    '$how: stays JSON, says down once and back once, never shows the password',
    async ({ appendonly, signal }) => {
      const password = randomBytes(12).toString('hex');
      let redis = await startRedisServer({ appendonly, password });
      cleanups.push(() => redis.stop());
      const aws: AwsSandbox = await startAwsSandbox({ world: reactionsWorld() });
      cleanups.push(() => aws.close());
      const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
      const signingSecret = randomBytes(16).toString('hex');
      const slack = await startLocalSlack({ botToken, signingSecret });
      cleanups.push(() => slack.close());
      const dir = mkdtempSync(path.join(tmpdir(), 'rollback-outage-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const configFile = path.join(dir, 'rollback.config.yml');
      writeFileSync(configFile, config);

      const port = await freePort();
      const bot: BotProcess = spawnBot({
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
        REDIS_URL: redis.url,
        ROLLBACK_CONFIG: configFile,
        PORT: String(port),
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: aws.url,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      });
      cleanups.push(async () => {
        if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
        await bot.exited;
      });
      await within(
        20_000,
        'the bot to listen',
        bot.waitForLog((l) => l.msg === 'rollback-bot is listening'),
      );
      // Every worker is running: the poller has asked AWS at least once.
      const polls = () => aws.control.calls({ operation: 'GetPipelineState' }).length;
      await until('a first poll', () => polls() > 0);

      const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
      let status = 0;
      const probe = async () => {
        status = await readyz();
      };

      const linesBefore = linesOf(bot.stdout()).length + linesOf(bot.stderr()).length;
      const stoppedAt = Date.now();
      if (signal === 'SIGKILL') await redis.kill();
      else await redis.stop({ keepDir: true });
      await until('/readyz to answer 503', () => status === 503, 10_000, probe);
      // The one deliberate pause: the outage itself.
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      redis = await startRedisServer({ port: redis.port, dir: redis.dir, appendonly, password });
      await until('/readyz to answer 200', () => status === 200, 10_000, probe);
      if (appendonly) {
        // The workers work again: the poller asks AWS once more (its schedule survived). A worker
        // whose fetch failed tries again after runRetryDelay (2 s, src/jobs/worker-options.ts;
        // BullMQ's own 15 s failed CI once under load); the deadline leaves room for a loaded run.
        const pollsBack = polls();
        await until('a poll after the outage', () => polls() > pollsBack, 25_000);
      }
      // Every connection reconnects on its own backoff; the outage ends when the last one is back.
      // Waited for here, asserted below, after the output as a whole.
      await within(
        10_000,
        'the "reachable again" line',
        bot.waitForLog((l) => l.msg === 'Redis is reachable again'),
      ).catch(() => undefined);
      bot.child.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);

      const out = linesOf(bot.stdout());
      const err = linesOf(bot.stderr());
      const all = [...out, ...err];
      expect(all.filter((l) => parsed(l) === undefined)).toEqual([]);
      const records = all.map((l) => parsed(l)!);
      // Nothing reached the console bridge: every source has its own JSON line.
      expect(records.filter((r) => 'console' in r)).toEqual([]);
      expect(all.length - linesBefore).toBeLessThanOrEqual(40);
      expect(all.join('\n')).not.toContain(password);

      const down = records.filter((r) => r.msg === 'Redis is unreachable');
      const backs = records.filter((r) => r.msg === 'Redis is reachable again');
      expect(down).toHaveLength(1);
      expect(backs).toHaveLength(1);
      expect(down[0]!.redis).toBe(`redis://:redacted@127.0.0.1:${redis.port}`);
      const back = backs[0]!;
      expect(back.downForMs as number).toBeGreaterThanOrEqual(OUTAGE_MS);
      expect(back.downForMs as number).toBeLessThan(Date.now() - stoppedAt);
      expect(back.failures as number).toBeGreaterThan(1);
      // In between, at most one line every 5 s, each with the failures it stands for.
      const still = records.filter((r) => r.msg === 'Redis is still unreachable');
      expect(still.length).toBeLessThanOrEqual(Math.floor((back.downForMs as number) / 5_000));
      for (const s of still) expect(s.suppressed as number).toBeGreaterThan(0);
    },
    60_000,
  );
});
