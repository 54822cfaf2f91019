// The `replicas` phase (`npm run bench -- --phases replicas`): the bot as 2 ROLE=web + 2
// ROLE=worker processes on one Redis (a prefix of their own) against the run's one ROLE=all
// process, in the same run, on the same AWS endpoint and local Slack.
//
// - ack command / click p99: `/rollback pNNN Deploy` and "Choose release…" sent by the local
//   Slack itself (its client signs, sends and reads the ack; POST /_bench/ack in local-slack.ts),
//   spread round robin over the two web replicas, or all to the ROLE=all process; the sides
//   alternate in sub-batches so background work weighs on both alike.
// - detection → RollbackStage p50/p99: one Deploy FAILED event per pipeline, every 25 ms, to the
//   ROLE=all process for one set of pipelines and alternately to the two web replicas for another
//   (disjoint) set; time to that pipeline's first RollbackStage at the endpoint's timing proxy.
import { type AwsEventJson, deployFailed } from './events.js';
import type { Fleet, Pipeline } from './fleet.js';
import { percentile, post } from './load.js';
import type { Started } from './procs.js';
import type { Row } from './table.js';

interface Stamp {
  operation: string;
  pipelineName?: string;
  at: number;
}

export interface ReplicasPhase {
  fleet: Fleet;
  quick: boolean;
  /** The run's ROLE=all bot. */
  allUrl: string;
  slackControlUrl: string;
  eventsSecret: string;
  freePort: () => Promise<number>;
  startBotProcess: (name: string, env: Record<string, string>) => Promise<Started<unknown>>;
  stamps: () => Promise<Stamp[]>;
  clearStamps: () => Promise<unknown>;
  log: (m: string) => void;
  /** Ack concurrency levels. */
  concurrency: number[];
  detectIntervalMs: number;
}

const CLICKED = 'rollback.open_picker';
const ROUNDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wallNow = () => performance.timeOrigin + performance.now();

async function postJson<T>(url: string, body?: unknown): Promise<T> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!r.ok) throw new Error(`POST ${url}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Starts 2 web + 2 worker processes on their own prefix; resolves with the web base URLs. */
async function startReplicas(ph: ReplicasPhase): Promise<{ web: string[]; pids: number[] }> {
  const plan = [
    ['replica web-1', 'web'],
    ['replica web-2', 'web'],
    ['replica worker-1', 'worker'],
    ['replica worker-2', 'worker'],
  ] as const;
  const started = await Promise.all(
    plan.map(async ([name, role]) => {
      const port = await ph.freePort();
      const s = await ph.startBotProcess(name, {
        ROLE: role,
        PORT: String(port),
        REDIS_PREFIX: '{bench-replicas}',
      });
      return { role, url: `http://127.0.0.1:${port}`, pid: s.child.pid ?? 0 };
    }),
  );
  return {
    web: started.filter((s) => s.role === 'web').map((s) => s.url),
    pids: started.map((s) => s.pid),
  };
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function ackRows(ph: ReplicasPhase, web: string[]): Promise<{ rows: Row[]; raw: unknown }> {
  const targets = ph.fleet.pipelines.slice(0, 10).map((p) => ({ env: p.env, channel: p.channel }));
  const sides = {
    all: [`${ph.allUrl}/slack/events`],
    replicas: web.map((u) => `${u}/slack/events`),
  };
  const use = (urls: string[]) =>
    postJson(`${ph.slackControlUrl}/_bench/bot-url?url=${encodeURIComponent(urls.join(','))}`);
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  // Unmeasured first: both sides' code paths compiled and warm (the replicas started last).
  for (const side of ['all', 'replicas'] as const) {
    await use(sides[side]);
    for (const kind of ['command', 'click'] as const) {
      await postJson(`${ph.slackControlUrl}/_bench/ack`, {
        kind,
        concurrency: 10,
        total: 60,
        targets,
        button: CLICKED,
      });
    }
  }
  for (const c of ph.concurrency) {
    const total = Math.max(c * 2, ph.quick ? 60 : 200);
    for (const kind of ['command', 'click'] as const) {
      const pooled = { all: [] as number[], replicas: [] as number[] };
      let failed = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // Each side goes first in turn.
        const order = round % 2 ? (['replicas', 'all'] as const) : (['all', 'replicas'] as const);
        for (const side of order) {
          await use(sides[side]);
          const r = await postJson<{ latenciesMs: number[]; failed: number }>(
            `${ph.slackControlUrl}/_bench/ack`,
            { kind, concurrency: c, total, targets, button: CLICKED },
          );
          pooled[side].push(...r.latenciesMs);
          if (side === 'replicas') failed += r.failed;
        }
      }
      const mine = summary(pooled.replicas);
      const base = summary(pooled.all);
      raw[`${kind}@${c}`] = { replicas: mine, all: base };
      ph.log(
        `  ${kind} ×${c} via the local Slack: 2 web replicas p99 ${mine.p99.toFixed(1)} ms, one ROLE=all p99 ${base.p99.toFixed(1)} ms`,
      );
      rows.push({
        figure: `replicas: ack ${kind} p99 @${c} (p50 ${mine.p50.toFixed(1)})`,
        value: mine.p99,
        unit: 'ms',
        baseline: base.p99,
        baselineNote: `one ROLE=all (p50 ${base.p50.toFixed(1)})`,
        note: failed > 0 ? `${failed} not acked` : '2 web + 2 worker processes',
      });
    }
  }
  await use(sides.all);
  return { rows, raw };
}

/** Until the AWS endpoint has seen no call for 2 s (at most 30 s): background work done. */
async function untilQuiet(ph: ReplicasPhase): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = (await ph.stamps()).length;
  let since = Date.now();
  while (Date.now() < deadline && Date.now() - since < 2_000) {
    await sleep(250);
    const now = (await ph.stamps()).length;
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

function postEvent(url: string, secret: string, ev: AwsEventJson) {
  return post(`${url}/aws/events`, JSON.stringify(ev), {
    'content-type': 'application/json',
    'x-rollback-bot-secret': secret,
  });
}

/** Failure events for `pipelines`, sent in turn to `urls`; ms to each first RollbackStage. */
async function detect(ph: ReplicasPhase, pipelines: Pipeline[], urls: string[]) {
  const sentAt = new Map<string, number>();
  const posting: Promise<unknown>[] = [];
  for (const [i, p] of pipelines.entries()) {
    sentAt.set(p.name, wallNow());
    posting.push(postEvent(urls[i % urls.length]!, ph.eventsSecret, deployFailed(p)));
    await sleep(ph.detectIntervalMs);
  }
  await Promise.all(posting);
  const first = new Map<string, number>();
  const deadline = Date.now() + (ph.quick ? 20_000 : 40_000);
  while (first.size < pipelines.length && Date.now() < deadline) {
    for (const s of await ph.stamps()) {
      if (s.operation === 'RollbackStage' && s.pipelineName && sentAt.has(s.pipelineName)) {
        if (!first.has(s.pipelineName)) first.set(s.pipelineName, s.at);
      }
    }
    await sleep(250);
  }
  const ms = [...first].map(([name, at]) => at - (sentAt.get(name) ?? at)).sort((a, b) => a - b);
  const { p50, p99 } = summary(ms);
  return { n: pipelines.length, seen: first.size, p50, p99 };
}

export async function runReplicasPhase(
  ph: ReplicasPhase,
): Promise<{ rows: Row[]; results: unknown }> {
  ph.log('replicas: starting 2 web + 2 worker processes');
  const { web, pids } = await startReplicas(ph);
  const ack = await ackRows(ph, web);
  // Two disjoint sets of pipelines, from the middle of the fleet (the detect phase takes the
  // first ones, the manual rollbacks the last).
  const count = ph.fleet.pipelines.length;
  const n = Math.max(1, Math.min(ph.quick ? 8 : 40, Math.floor((count - 4) / 4)));
  const from = Math.max(0, Math.floor(count / 2) - n - 2);
  const slice = (k: number, len: number) => ph.fleet.pipelines.slice(from + k, from + k + len);
  const setAll = slice(0, n);
  const setReplicas = slice(n, n);
  await untilQuiet(ph);
  await ph.clearStamps();
  // Two unmeasured failures each first (warm paths), then each side's set.
  await detect(ph, slice(2 * n, 2), [ph.allUrl]);
  await detect(ph, slice(2 * n + 2, 2), web);
  await untilQuiet(ph);
  const all = await detect(ph, setAll, [ph.allUrl]);
  await untilQuiet(ph);
  const replicas = await detect(ph, setReplicas, web);
  ph.log(
    `  detection → RollbackStage: 2+2 replicas p99 ${replicas.p99.toFixed(1)} ms (${replicas.seen}/${replicas.n}), one ROLE=all p99 ${all.p99.toFixed(1)} ms (${all.seen}/${all.n})`,
  );
  const missed = (d: { n: number; seen: number }) =>
    d.seen < d.n ? `${d.n - d.seen} never acted on` : '';
  const rows: Row[] = [
    ...ack.rows,
    {
      figure: 'replicas: detection → RollbackStage p50',
      value: replicas.seen ? replicas.p50 : undefined,
      unit: 'ms',
      baseline: all.p50,
      baselineNote: 'one ROLE=all p50',
      note: missed(replicas),
    },
    {
      figure: 'replicas: detection → RollbackStage p99',
      value: replicas.seen ? replicas.p99 : undefined,
      unit: 'ms',
      baseline: all.p99,
      baselineNote: 'one ROLE=all p99',
      note: missed(replicas) || `${n} events each side`,
    },
  ];
  return { rows, results: { pids, ack: ack.raw, detection: { replicas, all } } };
}
