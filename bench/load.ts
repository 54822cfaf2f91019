// A small closed-loop load generator: `concurrency` workers send signed requests until `total`
// have been answered; each latency is measured with process.hrtime from the first byte written
// to the last byte read.
import { Agent, request } from 'node:http';
import { signSlackRequest } from '../src/sandbox/slack/index.js';

export interface LoadResult {
  latenciesMs: number[];
  statuses: Record<string, number>;
  errors: number;
  wallMs: number;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarise(r: LoadResult): Summary {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const non2xx = Object.entries(r.statuses)
    .filter(([s]) => !s.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    errors: r.errors,
    non2xx,
  };
}

export interface Sent {
  status: number;
  body: string;
  ms: number;
}

/** One POST; resolves with status, body and latency (ms, hrtime). */
export function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  agent?: Agent,
  timeoutMs = 15_000,
): Promise<Sent> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        headers: { 'content-length': Buffer.byteLength(body), ...headers },
        ...(agent ? { agent } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            ms: Number(process.hrtime.bigint() - start) / 1e6,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `total` requests with `concurrency` in flight; `make(i)` builds request i. */
export async function runLoad(opts: {
  url: string;
  concurrency: number;
  total: number;
  make: (i: number) => { body: string; headers: Record<string, string> };
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const result: LoadResult = { latenciesMs: [], statuses: {}, errors: 0, wallMs: 0 };
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.total) return;
      const { body, headers } = opts.make(i);
      try {
        const sent = await post(opts.url, body, headers, agent);
        result.latenciesMs.push(sent.ms);
        const key = String(sent.status);
        result.statuses[key] = (result.statuses[key] ?? 0) + 1;
      } catch {
        result.errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  result.wallMs = performance.now() - started;
  agent.destroy();
  return result;
}

/** Headers Slack sends with a signed request, timestamped now. */
export function slackHeaders(secret: string, body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-signature': signSlackRequest(secret, body, ts),
    'x-slack-request-timestamp': String(ts),
  };
}

export interface Who {
  user: string;
  channel: string;
  responseUrl: string;
}

/** `n` makes the trigger_id; every request needs its own (the bot takes a trigger_id once). */
export function commandBody(
  text: string,
  who: Who,
  n: number,
  triggerId = `${n}.1000.bench${n}`,
): string {
  return new URLSearchParams({
    token: 'unused',
    team_id: 'T0SANDBOX',
    team_domain: 'sandbox-corp',
    channel_id: who.channel,
    channel_name: 'deploys',
    user_id: who.user,
    user_name: 'olivia',
    command: '/rollback',
    text,
    api_app_id: 'A0ROLLBACK',
    is_enterprise_install: 'false',
    response_url: who.responseUrl,
    trigger_id: triggerId,
  }).toString();
}

export function buttonBody(
  actionId: string,
  value: string,
  who: Who,
  n: number,
  triggerId = `${n}.1000.bench${n}`,
): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0SANDBOX', domain: 'sandbox-corp' },
    user: { id: who.user, username: 'olivia', name: 'olivia', team_id: 'T0SANDBOX' },
    api_app_id: 'A0ROLLBACK',
    token: 'unused',
    container: {
      type: 'message',
      message_ts: '1.000001',
      channel_id: who.channel,
      is_ephemeral: true,
    },
    trigger_id: triggerId,
    channel: { id: who.channel, name: 'deploys' },
    response_url: who.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'bench',
        text: { type: 'plain_text', text: 'Button' },
        value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
    state: { values: {} },
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
