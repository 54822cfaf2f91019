// Child process: the local Slack with the fleet's workspace and Slack's per-channel message
// limit, plus GET /_bench/stats (on the same port) summarising the Web API calls the bot made.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { type Message, startLocalSlack } from '../src/sandbox/slack/index.js';
import { benchWorkspace, makeFleet } from './fleet.js';
import { announceReady, exitWithParent } from './procs.js';
import { type RepeatedPosts, repeatedPostCounter } from './repeated-posts.js';

const { values } = parseArgs({
  options: {
    'bot-url': { type: 'string' },
    pipelines: { type: 'string', default: '200' },
    channels: { type: 'string', default: '20' },
    burst: { type: 'string', default: '3' },
  },
});
const botToken = process.env.BENCH_SLACK_BOT_TOKEN ?? '';
const signingSecret = process.env.BENCH_SLACK_SIGNING_SECRET ?? '';
const fleet = makeFleet(Number(values.pipelines), Number(values.channels));
const slack = await startLocalSlack({
  botToken,
  signingSecret,
  // Several (comma-separated): web replicas, spread round robin.
  ...(values['bot-url'] ? { botUrl: values['bot-url'].split(',') } : {}),
  workspace: benchWorkspace(fleet),
  rateLimits: { perChannelPerSecond: 1, burst: Number(values.burst) },
});

export interface SlackStats extends RepeatedPosts {
  calls: number;
  byMethod: Record<string, { ok: number; failed: number; rateLimited: number }>;
  rateLimited: number;
  /** Per channel: epoch ms of the last successful chat.postMessage / chat.update. */
  lastMessageAt: Record<string, number>;
  /** Per channel: successful chat.postMessage and chat.update calls (what Slack rate-limits). */
  messageCalls: Record<string, number>;
}

/** Counts the storm's repeated posts (repeated-posts.ts). */
const countRepeats = repeatedPostCounter(fleet);

function stats(since: number): SlackStats {
  const calls = slack.state.calls.slice(since);
  const byMethod: SlackStats['byMethod'] = {};
  const lastMessageAt: Record<string, number> = {};
  const messageCalls: Record<string, number> = {};
  let rateLimited = 0;
  for (const c of calls) {
    const m = byMethod[c.method] ?? { ok: 0, failed: 0, rateLimited: 0 };
    byMethod[c.method] = m;
    if (c.status === 429) {
      m.rateLimited += 1;
      rateLimited += 1;
    } else if (c.ok) m.ok += 1;
    else m.failed += 1;
    const channel = typeof c.args.channel === 'string' ? c.args.channel : undefined;
    if (!c.ok || !channel) continue;
    if (c.method === 'chat.postMessage' || c.method === 'chat.update') {
      lastMessageAt[channel] = Math.max(lastMessageAt[channel] ?? 0, c.at);
      messageCalls[channel] = (messageCalls[channel] ?? 0) + 1;
    }
  }
  return {
    calls: calls.length,
    byMethod,
    rateLimited,
    lastMessageAt,
    messageCalls,
    ...countRepeats(calls),
  };
}

/** POST /_bench/ack: acks through the local Slack itself (signing, sending, reading the ack). */
interface AckBatch {
  kind: 'command' | 'click';
  concurrency: number;
  total: number;
  /** Environments and their channels to send `/rollback <env> Deploy` for (and click on). */
  targets: { env: string; channel: string }[];
  /** The button clicked on a confirmation; it must be repeatable (e.g. "Choose release…"). */
  button: string;
}

/** Confirmations to click, per set of bot URLs (each bot set keeps its own offers). */
const offersBy = new Map<string, Message[]>();
let currentUrls = values['bot-url'] ?? '';

async function offers(b: AckBatch): Promise<Message[]> {
  const key = currentUrls;
  const kept = offersBy.get(key);
  if (kept) return kept;
  const made = await Promise.all(
    b.targets.slice(0, 10).map(async (t) => {
      const sent = await slack.client.command('/rollback', `${t.env} Deploy`, {
        user: 'U0ONCALL',
        channel: t.channel,
      });
      return sent.waitForResponse((m) => JSON.stringify(m.blocks).includes(b.button), {
        timeoutMs: 20_000,
      });
    }),
  );
  offersBy.set(key, made);
  return made;
}

async function ackBatch(b: AckBatch): Promise<{ latenciesMs: number[]; failed: number }> {
  const clickable = b.kind === 'click' ? await offers(b) : [];
  const latenciesMs: number[] = [];
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: b.concurrency }, async () => {
      while (next < b.total) {
        const k = next++;
        const t = b.targets[k % b.targets.length]!;
        const start = performance.now();
        const sent =
          b.kind === 'command'
            ? await slack.client.command('/rollback', `${t.env} Deploy`, {
                user: 'U0ONCALL',
                channel: t.channel,
              })
            : await slack.client.click(clickable[k % clickable.length]!, b.button, {
                user: 'U0ONCALL',
              });
        latenciesMs.push(performance.now() - start);
        if (sent.error || sent.status !== 200) failed += 1;
      }
    }),
  );
  return { latenciesMs, failed };
}

const control = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://local');
  if (url.pathname === '/_bench/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats(Number(url.searchParams.get('since') ?? 0))));
    return;
  }
  if (url.pathname === '/_bench/mark') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ since: slack.state.calls.length }));
    return;
  }
  if (url.pathname === '/_bench/triggers') {
    // trigger_ids for the benchmark's own clicks, as Slack would send them (valid 3 s).
    const user = url.searchParams.get('user') ?? '';
    const n = Math.min(10_000, Number(url.searchParams.get('n') ?? 1));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Array.from({ length: n }, () => slack.issueTrigger(user))));
    return;
  }
  if (url.pathname === '/_bench/bot-url' && req.method === 'POST') {
    currentUrls = url.searchParams.get('url') ?? '';
    slack.setBotUrl(currentUrls.split(','));
    res.end('{}');
    return;
  }
  if (url.pathname === '/_bench/ack' && req.method === 'POST') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      ackBatch(JSON.parse(Buffer.concat(chunks).toString()) as AckBatch)
        .then((r) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(r));
        })
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: (err as Error).message }));
        });
    });
    return;
  }
  res.writeHead(404);
  res.end();
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));

exitWithParent(async () => {
  control.close();
  await slack.close();
});
announceReady({
  apiUrl: slack.apiUrl,
  controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
});
