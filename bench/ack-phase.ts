// The `ack` phase: Slack's HTTP ack for `/rollback pNNN Deploy` and for "Choose release…"
// (`rollback.open_picker`) on a real confirmation, with every AWS operation slowed down, against
// bare Bolt (`baseline-bolt.ts`) with the same generator in the same run.
//
// Per concurrency level and kind, once the earlier batch's AWS work drained (≤ 15 s), bot and
// baseline alternate in ROUNDS sub-batches and each side's latencies are pooled. `runs` > 1
// (`--ack-runs 5`) repeats the whole phase that many times in the one run; each figure's row is
// then the run with the median ratio, its note every run's ratio, the median and the spread.
import type { Fleet, Pipeline } from './fleet.js';
import {
  buttonBody,
  commandBody,
  type LoadResult,
  post,
  runLoad,
  type Summary,
  slackHeaders,
  summarise,
} from './load.js';
import { addCpu, cpuNote, cpuOfAll, cpuZero, untilQuiet } from './measure.js';
import { buttonValue, type Responses } from './responses.js';
import type { Row } from './table.js';

/** Bot and baseline alternate in this many sub-batches per concurrency level. */
const ROUNDS = 3;
/** The button clicked: "Choose release…" on a confirmation (reads AWS, repeatable). */
const CLICKED = 'rollback.open_picker';
const AWS_OPERATIONS = [
  'ListPipelines',
  'GetPipeline',
  'GetPipelineState',
  'ListPipelineExecutions',
  'GetPipelineExecution',
  'ListActionExecutions',
  'RollbackStage',
  'DisableStageTransition',
  'EnableStageTransition',
  'StopPipelineExecution',
  'DescribeAlarms',
  'GetDeploymentGroup',
  'BatchGetDeployments',
  'ListDeployments',
  'GetDeployment',
  'CreateDeployment',
];

export interface AckPhase {
  fleet: Fleet;
  botUrl: string;
  baselineUrl: string;
  signingSecret: string;
  responses: Responses;
  slackControlUrl: string;
  awsUrl: string;
  /** AWS calls seen so far (to wait until the earlier batch's work drained). */
  callCount: () => Promise<number>;
  /** Every process of the run, for CPU per side. */
  procs: Record<string, number | undefined>;
  concurrency: number[];
  kinds: string[];
  ackRequests: number;
  ackRequestsAt1: number;
  awsLatencyMs: number;
  /** How many times the whole phase runs (1: as before). */
  runs: number;
  quick: boolean;
  log: (m: string) => void;
}

export interface AckFigure {
  bot: Summary;
  baseline: Summary;
  cpuMs: Record<string, Record<string, number>>;
}
type AckRun = Record<string, AckFigure>;

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

function emptyLoad(): LoadResult {
  return { latenciesMs: [], statuses: {}, errors: 0, wallMs: 0 };
}

function addLoad(into: LoadResult, r: LoadResult): void {
  into.latenciesMs.push(...r.latenciesMs);
  for (const [k, v] of Object.entries(r.statuses)) into.statuses[k] = (into.statuses[k] ?? 0) + v;
  into.errors += r.errors;
  into.wallMs += r.wallMs;
}

const on = (ph: AckPhase, p: Pipeline, key: string) => ({
  user: 'U0ONCALL',
  channel: p.channel,
  responseUrl: ph.responses.url(key),
});

/** A confirmation per environment (the first 20), made before AWS is slowed down. */
async function makeOffers(ph: AckPhase) {
  const envs = ph.fleet.pipelines.slice(0, Math.min(20, ph.fleet.pipelines.length));
  const offers: { p: Pipeline; offer: string }[] = [];
  await Promise.all(
    envs.map(async (p, i) => {
      const body = commandBody(`${p.env} Deploy`, on(ph, p, `offer/${p.env}`), i);
      await post(`${ph.botUrl}/slack/events`, body, slackHeaders(ph.signingSecret, body));
      const answer = await ph.responses.waitFor(
        `offer/${p.env}`,
        (b) => buttonValue(b, CLICKED) !== undefined,
        20_000,
      );
      const offer = buttonValue(answer, CLICKED);
      if (offer) offers.push({ p, offer });
    }),
  );
  return offers;
}

/** One pass over every concurrency level and kind. `n` numbers the requests across passes. */
async function oneRun(ph: AckPhase, offers: { p: Pipeline; offer: string }[], n: { k: number }) {
  const run: AckRun = {};
  for (const c of ph.concurrency) {
    // One at a time, p99 is the 10th slowest of 1,000 (of 200 it was the 2nd: one GC decided it).
    const total = c === 1 ? ph.ackRequestsAt1 : Math.max(c * 2, ph.ackRequests);
    for (const kind of ['command', 'click'] as const) {
      if (kind === 'click' && offers.length === 0) continue;
      if (!ph.kinds.includes(kind)) continue;
      let triggers: string[] = [];
      // Every sub-batch keeps `c` requests in flight most of its time: at least 2c each.
      const per = Math.max(Math.ceil(total / ROUNDS), c * 2);
      const make = (i: number) => {
        const k = n.k++;
        if (kind === 'command') {
          const p = ph.fleet.pipelines[i % ph.fleet.pipelines.length]!;
          const body = commandBody(`${p.env} Deploy`, on(ph, p, `ack/${k}`), k);
          return { body, headers: slackHeaders(ph.signingSecret, body) };
        }
        const o = offers[i % offers.length]!;
        // A trigger_id the local Slack issued, as with a real click: views.open accepts it.
        const body = buttonBody(CLICKED, o.offer, on(ph, o.p, `ack/${k}`), k, triggers[i % per]);
        return { body, headers: slackHeaders(ph.signingSecret, body) };
      };
      // Each pair starts once the earlier batch's AWS work (2 s a call) has drained, at most
      // 15 s (with AWS that slow a batch's work takes minutes; the periodic reconcile reads
      // too). The two sides then alternate in ROUNDS sub-batches, so whatever still runs in
      // the background weighs on both alike; each side's latencies are pooled.
      await untilQuiet(ph.callCount, 2_500, 15_000);
      const pooled = { bot: emptyLoad(), baseline: emptyLoad() };
      // CPU each process used while each side's sub-batches ran: what the machine (2 cores,
      // shared with the generator) spent on them, the bot's own work and what it set off.
      const cpu = { bot: cpuZero(), baseline: cpuZero() };
      const measured = async (side: 'bot' | 'baseline', url: string) => {
        // Fresh for each sub-batch: a trigger_id lives 3 s.
        if (kind === 'click') {
          triggers = await getJson<string[]>(
            `${ph.slackControlUrl}/_bench/triggers?n=${per}&user=U0ONCALL`,
          );
        }
        const before = cpuOfAll(ph.procs);
        addLoad(pooled[side], await runLoad({ url, concurrency: c, total: per, make }));
        addCpu(cpu[side], before, cpuOfAll(ph.procs));
      };
      for (let round = 0; round < ROUNDS; round++) {
        await measured('baseline', ph.baselineUrl);
        await measured('bot', `${ph.botUrl}/slack/events`);
      }
      const base = summarise(pooled.baseline);
      const mine = summarise(pooled.bot);
      run[`${kind}@${c}`] = { bot: mine, baseline: base, cpuMs: cpu };
      ph.log(
        `  ${kind} ×${c}: bot p50 ${mine.p50.toFixed(1)} p99 ${mine.p99.toFixed(1)} ms (non-2xx ${mine.non2xx}, errors ${mine.errors}); baseline p99 ${base.p99.toFixed(1)} ms (${(mine.p99 / base.p99).toFixed(2)}×)`,
      );
      ph.log(`    CPU ms during the bot's sub-batches: ${cpuNote(cpu.bot)}`);
      ph.log(`    CPU ms during bare Bolt's sub-batches: ${cpuNote(cpu.baseline)}`);
    }
  }
  return run;
}

export interface AckSpread {
  /** Bot p99 ÷ bare Bolt p99, per run, in run order. */
  ratios: number[];
  botP99: number[];
  baselineP99: number[];
  /** The middle run's ratio (the lower of the two middle ones for an even count). */
  median: number;
  min: number;
  max: number;
  /** Which run (0-based) the median is. */
  medianRun: number;
}

export function spreadOf(runs: AckRun[], figure: string): AckSpread | undefined {
  const figs = runs.map((r) => r[figure]).filter((f): f is AckFigure => f !== undefined);
  if (figs.length === 0) return undefined;
  const ratios = figs.map((f) => f.bot.p99 / f.baseline.p99);
  const order = ratios.map((r, i) => ({ r, i })).sort((a, b) => a.r - b.r);
  const mid = order[Math.floor((order.length - 1) / 2)]!;
  return {
    ratios,
    botP99: figs.map((f) => f.bot.p99),
    baselineP99: figs.map((f) => f.baseline.p99),
    median: mid.r,
    min: order[0]!.r,
    max: order.at(-1)!.r,
    medianRun: mid.i,
  };
}

const x = (r: number) => `${r.toFixed(2)}×`;

function rowsOf(runs: AckRun[]): { rows: Row[]; spreads: Record<string, AckSpread> } {
  const rows: Row[] = [];
  const spreads: Record<string, AckSpread> = {};
  for (const figure of Object.keys(runs[0] ?? {})) {
    const s = spreadOf(runs, figure);
    if (!s) continue;
    spreads[figure] = s;
    const { bot, baseline } = runs[s.medianRun]![figure]!;
    const notAcked = runs.reduce(
      (t, r) => t + (r[figure] ? r[figure].bot.non2xx + r[figure].bot.errors : 0),
      0,
    );
    const spread =
      runs.length > 1
        ? `${runs.length} runs: ${s.ratios.map(x).join(' ')}; median ${x(s.median)} (run ${s.medianRun + 1}), spread ${x(s.min)}–${x(s.max)}`
        : '';
    const [kind, c] = figure.split('@');
    rows.push({
      figure: `ack ${kind} p99 @${c} (p50 ${bot.p50.toFixed(1)})`,
      value: bot.p99,
      unit: 'ms',
      baseline: baseline.p99,
      baselineNote: `bare Bolt (p50 ${baseline.p50.toFixed(1)})`,
      note: [spread, notAcked > 0 ? `${notAcked} not acked` : ''].filter(Boolean).join('; '),
    });
  }
  return { rows, spreads };
}

/** Runs the phase; returns its table rows and what goes into the JSON (`results.ack`). */
export async function runAckPhase(ph: AckPhase): Promise<{ rows: Row[]; results: unknown }> {
  const offers = await makeOffers(ph);
  ph.log(
    `ack latency: ${offers.length} offers to click; AWS slowed to ${ph.awsLatencyMs} ms per call${ph.runs > 1 ? `; ${ph.runs} runs` : ''}`,
  );
  for (const operation of AWS_OPERATIONS) {
    await getJson(`${ph.awsUrl}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation, latencyMs: ph.awsLatencyMs }),
    });
  }
  const runs: AckRun[] = [];
  const n = { k: 1000 };
  for (let i = 0; i < ph.runs; i++) {
    if (ph.runs > 1) ph.log(`ack run ${i + 1} of ${ph.runs}`);
    runs.push(await oneRun(ph, offers, n));
  }
  await getJson(`${ph.awsUrl}/_sandbox/faults`, { method: 'DELETE' });
  ph.log('ack latency done; waiting for the slowed-down work to drain');
  await untilQuiet(ph.callCount, 3_000, ph.quick ? 60_000 : 120_000);
  const { rows, spreads } = rowsOf(runs);
  for (const [figure, s] of Object.entries(spreads))
    if (runs.length > 1)
      ph.log(
        `  ${figure}: ratios ${s.ratios.map(x).join(' ')}, median ${x(s.median)}, spread ${x(s.min)}–${x(s.max)}`,
      );
  // One run: the JSON as before (figure → bot, baseline, CPU); more: every run and the spreads.
  return { rows, results: runs.length === 1 ? runs[0] : { runs, spreads } };
}
