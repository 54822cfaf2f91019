// `npm run bench [-- --quick]`: Redis, the local AWS endpoint, the local Slack, the bot and a bare
// Bolt app as separate processes on loopback; five measurements, each with a baseline from the
// same run; one table on stdout and bench/results/latest.json. Stops by itself; Ctrl-C cleans up.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '../scripts/lib/redis-server.mjs';
import { runAckPhase } from './ack-phase.js';
import { breakdownNote, type CallBreakdown, callBreakdown } from './aws-calls.js';
import { compileBench } from './compile.js';
import { type AwsEventJson, deployFailed, stormEvents } from './events.js';
import { configYaml, makeFleet, type Pipeline, worldYaml } from './fleet.js';
import { buttonBody, commandBody, percentile, post, slackHeaders } from './load.js';
import { addCpu, cpuNote, cpuOfAll, cpuZero, sleep, untilQuiet } from './measure.js';
import {
  footprintJson,
  footprintRows,
  heapFromMetrics,
  rssOf,
  rssSplit,
  settledNote,
  settledRss,
  snapshot,
  snapshotFlags,
} from './memory.js';
import { cleanUpAll, onCleanup, startNodeChild } from './procs.js';
import type { RepeatedPosts, RepeatedText } from './repeated-posts.js';
import { runReplicasPhase } from './replicas.js';
import { buttonValue, startResponses } from './responses.js';
import { printTable, type Row } from './table.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ROOT = here('..');

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    pipelines: { type: 'string' },
    channels: { type: 'string' },
    'storm-events': { type: 'string' },
    'storm-concurrency': { type: 'string', default: '32' },
    'detect-events': { type: 'string' },
    'detect-interval-ms': { type: 'string', default: '25' },
    'manual-rollbacks': { type: 'string' },
    'ack-requests': { type: 'string' },
    'ack-requests-at-1': { type: 'string' },
    concurrency: { type: 'string' },
    'aws-latency-ms': { type: 'string', default: '2000' },
    'slack-burst': { type: 'string', default: '3' },
    profile: { type: 'string' },
    phases: { type: 'string', default: 'ack,detect,rest' },
    'ack-kinds': { type: 'string', default: 'command,click' },
    'ack-runs': { type: 'string', default: '1' },
    'replica-concurrency': { type: 'string', default: '1,50' },
    out: { type: 'string', default: here('./results/latest.json') },
    'from-source': { type: 'boolean', default: false },
    'heap-snapshots': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`usage: npm run bench -- [--quick] [--pipelines 200] [--channels 20]
  [--storm-events 10000] [--storm-concurrency 32] [--detect-events 200] [--detect-interval-ms 25]
  [--manual-rollbacks 100] [--ack-requests 400] [--ack-requests-at-1 1000] [--concurrency 1,50,200] [--aws-latency-ms 2000]
  [--slack-burst 3] [--profile <dir>  (node --cpu-prof on the bot)] [--out bench/results/latest.json]
  [--phases ack,detect,rest  (rest: manual rollbacks, storm, footprint, AWS calls; to profile one part;
            replicas: 2 web + 2 worker processes against the one ROLE=all, only when named)]
  [--replica-concurrency 1,50  (ack concurrency levels of the replicas phase)]
  [--ack-kinds command,click] [--ack-runs 1  (the whole ack phase N times; each figure's median and spread)]
  [--from-source  (run the bot with tsx instead of building it)]
  [--heap-snapshots <dir>  (heap snapshots of the bot idle and after the storm, and of bare Bolt idle)]`);
  process.exit(0);
}
const quick = flags.quick;
const num = (v: string | undefined, full: number, q: number) =>
  v === undefined ? (quick ? q : full) : Number(v);
const cfg = {
  pipelines: num(flags.pipelines, 200, 40),
  channels: num(flags.channels, 20, 8),
  stormEvents: num(flags['storm-events'], 10_000, 1_000),
  stormConcurrency: Number(flags['storm-concurrency']),
  detectEvents: num(flags['detect-events'], 200, 40),
  detectIntervalMs: Number(flags['detect-interval-ms']),
  manualRollbacks: num(flags['manual-rollbacks'], 100, 10),
  ackRequests: num(flags['ack-requests'], 400, 100),
  ackRequestsAt1: num(flags['ack-requests-at-1'], 1000, 200),
  concurrency: (flags.concurrency ?? '1,50,200').split(',').map(Number),
  awsLatencyMs: Number(flags['aws-latency-ms']),
  slackBurst: Number(flags['slack-burst']),
};
const phases = new Set((flags.phases ?? '').split(',').map((x) => x.trim()));
const want = (phase: 'ack' | 'detect' | 'rest' | 'replicas') => phases.has(phase);
cfg.detectEvents = Math.min(cfg.detectEvents, cfg.pipelines);
cfg.manualRollbacks = Math.min(cfg.manualRollbacks, cfg.pipelines);

const log = (m: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const wallNow = () => performance.timeOrigin + performance.now();
const PREFIX = '{bench}';
interface Stamp {
  operation: string;
  pipelineName?: string;
  /** The execution a GetPipelineExecution or ListActionExecutions is about. */
  executionId?: string;
  at: number;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

async function redisMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Calls per Redis command so far (`INFO commandstats`). */
async function redisCommands(redis: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    out[m[1]!] = Number(m[2]);
  return out;
}

function commandsSince(before: Record<string, number>, after: Record<string, number>) {
  const diff: Record<string, number> = {};
  for (const [cmd, n] of Object.entries(after)) {
    const d = n - (before[cmd] ?? 0);
    if (d > 0) diff[cmd] = d;
  }
  return diff;
}

async function scanCount(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

async function main() {
  const t0 = Date.now();
  const work = mkdtempSync(path.join(tmpdir(), 'rollback-bench-'));
  onCleanup(async () => rmSync(work, { recursive: true, force: true }));
  const fleet = makeFleet(cfg.pipelines, cfg.channels);
  const worldFile = path.join(work, 'world.yml');
  const configFile = path.join(work, 'rollback.bench.yml');
  writeFileSync(worldFile, worldYaml(fleet));
  writeFileSync(configFile, configYaml(fleet));
  log(`fleet: ${cfg.pipelines} pipelines in ${cfg.channels} channels (${work})`);

  const redisServer = await startRedisServer({ appendonly: true });
  onCleanup(() => redisServer.stop());
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  onCleanup(async () => void redis.disconnect());

  const aws = await startNodeChild<{ url: string }>('aws endpoint', here('./aws-endpoint.ts'), {
    args: ['--world', worldFile, '--stage-ms', '50'],
  });
  const awsUrl = aws.info.url;
  const stamps = () => getJson<Stamp[]>(`${awsUrl}/_bench/calls`);
  const clearStamps = () => getJson(`${awsUrl}/_bench/calls`, { method: 'DELETE' });
  const botToken = `xoxb-bench-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const eventsSecret = randomBytes(16).toString('hex');
  const botPort = await freePort();
  const botUrl = `http://127.0.0.1:${botPort}`;
  const slack = await startNodeChild<{ apiUrl: string; controlUrl: string }>(
    'local slack',
    here('./local-slack.ts'),
    {
      env: { BENCH_SLACK_BOT_TOKEN: botToken, BENCH_SLACK_SIGNING_SECRET: signingSecret },
      args: [
        '--bot-url',
        `${botUrl}/slack/events`,
        '--pipelines',
        String(cfg.pipelines),
        '--channels',
        String(cfg.channels),
        '--burst',
        String(cfg.slackBurst),
      ],
    },
  );
  const slackStats = (since: number) =>
    getJson<
      {
        calls: number;
        rateLimited: number;
        lastMessageAt: Record<string, number>;
        messageCalls: Record<string, number>;
        byMethod: Record<string, { ok: number; failed: number; rateLimited: number }>;
      } & RepeatedPosts
    >(`${slack.info.controlUrl}/_bench/stats?since=${since}`);
  const slackMark = async () =>
    (await getJson<{ since: number }>(`${slack.info.controlUrl}/_bench/mark`)).since;

  const botLog = createWriteStream(here('./results/bot.log'));
  onCleanup(async () => void botLog.end());
  const profileDir = flags.profile ? path.resolve(flags.profile) : undefined;
  const snapshotDir = flags['heap-snapshots'] ? path.resolve(flags['heap-snapshots']) : undefined;
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  // The bot runs as production does: built (`npm run build`), `node <flags> dist/main.js`. From
  // source, tsx compiles each module on first use, and the first events paid for it.
  if (!flags['from-source']) {
    log('building the bot (npm run build)');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  const botEntry = flags['from-source'] ? 'src/main.ts' : 'dist/main.js';
  const botEnv = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.info.apiUrl,
    SLACK_TEAM_ID: 'T0SANDBOX',
    SLACK_APP_ID: 'A0ROLLBACK',
    REDIS_URL: redisServer.url,
    REDIS_PREFIX: PREFIX,
    AWS_ENDPOINT_URL: awsUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ROLLBACK_CONFIG: configFile,
    PORT: String(botPort),
    ROLE: 'all',
    LOG_LEVEL: 'warn',
    EVENTS_SHARED_SECRET: eventsSecret,
  };
  /** A bot process as production runs it; `env` overrides (ROLE, PORT, REDIS_PREFIX). */
  const startBotProcess = (name: string, env: Record<string, string> = {}) => {
    const url = `http://127.0.0.1:${env.PORT ?? botPort}`;
    return startNodeChild(name, path.join(ROOT, botEntry), {
      compiled: !flags['from-source'],
      nodeArgs: [
        // The flags production runs with (`npm start`, the Dockerfile's CMD).
        ...startFlags(),
        ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
        ...(process.env.BENCH_BOT_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        ...(snapshotDir ? snapshotFlags(snapshotDir) : []),
      ],
      env: { ...botEnv, ...env },
      logTo: botLog,
      timeoutMs: 60_000,
      probe: async () => (await fetch(`${url}/readyz`)).ok,
    });
  };
  const bot = await startBotProcess('bot');
  // Bare Bolt runs as the bot does: built, with plain node (under tsx with --from-source).
  const baseline = await startNodeChild<{ url: string }>(
    'baseline bolt',
    flags['from-source'] ? here('./baseline-bolt.ts') : compileBench(['baseline-bolt', 'procs']),
    {
      env: { BENCH_SLACK_BOT_TOKEN: botToken, BENCH_SLACK_SIGNING_SECRET: signingSecret },
      nodeArgs: snapshotDir ? snapshotFlags(snapshotDir) : [],
      compiled: !flags['from-source'],
    },
  );
  const responses = await startResponses();
  onCleanup(() => responses.close());
  log(`ready after ${((Date.now() - t0) / 1000).toFixed(1)} s: bot ${botUrl}, AWS ${awsUrl}`);

  const metric = async (name: string) => {
    const text = await (await fetch(`${botUrl}/metrics`)).text();
    const m = new RegExp(`^rollback_bot_${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : Number.NaN;
  };
  const results: Record<string, unknown> = {};
  const rows: Row[] = [];

  // ---- 4a. Footprint at idle ----------------------------------------------------------------
  // The old figure, 3 s after /readyz (start-up work still allocates), then both processes once
  // their RSS has settled (`settledRss`: the same rule for the bot and bare Bolt).
  await sleep(3_000);
  const rssAt3s = await metric('process_resident_memory_bytes');
  const baselineAt3s = rssOf(baseline.child.pid);
  const memoryNote = async (when: string, snap = false) => {
    log(
      `memory ${when}: bot ${rssSplit(bot.child.pid)}; ${heapFromMetrics(await (await fetch(`${botUrl}/metrics`)).text())}`,
    );
    if (when.startsWith('idle')) log(`memory ${when}: bare Bolt ${rssSplit(baseline.child.pid)}`);
    if (!snap || !snapshotDir || !bot.child.pid) return;
    log(`  heap snapshot: ${await snapshot(bot.child.pid, snapshotDir, `bot-${when}`)}`);
    await metric('process_resident_memory_bytes'); // answers once the snapshot is written
    if (when === 'idle' && baseline.child.pid)
      log(`  heap snapshot: ${await snapshot(baseline.child.pid, snapshotDir, 'bolt-idle')}`);
  };
  await memoryNote('idle at 3 s');
  const idle = await settledRss({ bot: bot.child.pid, 'bare Bolt': baseline.child.pid });
  for (const [name, s] of Object.entries(idle))
    log(`memory idle: ${name} ${settledNote(s)}; RSS MiB every 0.5 s: ${s.samplesMiB.join(' ')}`);
  await memoryNote('idle', true);
  // Every process the run started, for CPU per process in a phase.
  const procs = {
    bot: bot.child.pid,
    'bare Bolt': baseline.child.pid,
    'local Slack': slack.child.pid,
    'AWS endpoint': aws.child.pid,
    response_urls: responses.pid,
    Redis: redisServer.pid,
  };

  // ---- 1. Ack latency ----------------------------------------------------------------------
  const on = (p: Pipeline, key: string) => ({
    user: 'U0ONCALL',
    channel: p.channel,
    responseUrl: responses.url(key),
  });
  if (want('ack')) {
    const ack = await runAckPhase({
      fleet,
      botUrl,
      baselineUrl: baseline.info.url,
      signingSecret,
      responses,
      slackControlUrl: slack.info.controlUrl,
      awsUrl,
      callCount: async () => (await stamps()).length,
      procs,
      concurrency: cfg.concurrency,
      kinds: (flags['ack-kinds'] ?? '').split(','),
      ackRequests: cfg.ackRequests,
      ackRequestsAt1: cfg.ackRequestsAt1,
      awsLatencyMs: cfg.awsLatencyMs,
      runs: Number(flags['ack-runs']),
      quick,
      log,
    });
    rows.push(...ack.rows);
    results.ack = ack.results;
  }

  // ---- 2. Detection → action ---------------------------------------------------------------
  const bullBaseline = await bullmqRoundTrip(redisServer.url, cfg.detectEvents);
  await clearStamps();
  const sentAt = new Map<string, number>();
  const firstRollback = new Map<string, number>();
  let autoCalls: number | undefined;
  const autoByOp: Record<string, number> = {};
  let autoBreakdown: CallBreakdown | undefined;
  if (want('detect')) {
    const detectStart = Date.now();
    const allBefore = cpuOfAll(procs);
    const redisBefore = await redisCommands(redis);
    const detectSlackSince = await slackMark();
    const posting: Promise<unknown>[] = [];
    for (const p of fleet.pipelines.slice(0, cfg.detectEvents)) {
      const ev = deployFailed(p);
      sentAt.set(p.name, wallNow());
      posting.push(postEvent(botUrl, eventsSecret, ev));
      await sleep(cfg.detectIntervalMs);
    }
    await Promise.all(posting);
    const detectWaitMs = quick ? 15_000 : 30_000;
    while (Date.now() - detectStart < detectWaitMs + cfg.detectEvents * cfg.detectIntervalMs) {
      for (const s of await stamps()) {
        if (s.operation === 'RollbackStage' && s.pipelineName && !firstRollback.has(s.pipelineName))
          firstRollback.set(s.pipelineName, s.at);
      }
      if (firstRollback.size >= cfg.detectEvents) break;
      await sleep(250);
    }
    const detectCpu = cpuZero();
    addCpu(detectCpu, allBefore, cpuOfAll(procs));
    const detectCpuMs = detectCpu.bot ?? Number.NaN;
    log(
      `  CPU ms until every RollbackStage (${((Date.now() - detectStart) / 1000).toFixed(1)} s): ${cpuNote(detectCpu)}`,
    );
    const detectRedis = commandsSince(redisBefore, await redisCommands(redis));
    const redisTotal = Object.values(detectRedis).reduce((a, b) => a + b, 0);
    const topRedis = Object.entries(detectRedis)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([cmd, n]) => `${cmd} ${(n / cfg.detectEvents).toFixed(1)}`);
    log(
      `  Redis commands until every RollbackStage: ${(redisTotal / cfg.detectEvents).toFixed(1)} per event (${topRedis.join(', ')}; the bench's own INFO calls included)`,
    );
    log(
      `  bot CPU until every RollbackStage: ${(detectCpuMs / cfg.detectEvents).toFixed(1)} ms per event (${detectCpuMs.toFixed(0)} ms in all)`,
    );
    const detectLat = [...firstRollback].map(([name, at]) => at - (sentAt.get(name) ?? at));
    detectLat.sort((a, b) => a - b);
    if (firstRollback.size > 0) {
      await untilQuiet(async () => (await stamps()).length, 5_000, 90_000);
      const all = (await stamps()).filter((s) => s.pipelineName && sentAt.has(s.pipelineName));
      Object.assign(autoByOp, countBy(all.map((s) => s.operation)));
      autoCalls = all.length / firstRollback.size;
      autoBreakdown = callBreakdown(all);
      log(`  AWS calls of the automatic rollbacks, ${breakdownNote(autoBreakdown)}`);
    }
    // Where the time goes for a typical event: the calls of the median pipeline up to RollbackStage.
    const byLatency = [...firstRollback]
      .map(([name, at]) => ({ name, ms: at - (sentAt.get(name) ?? at) }))
      .sort((a, b) => a.ms - b.ms);
    const median = byLatency[Math.floor(byLatency.length / 2)];
    const medianCalls = median
      ? (await stamps())
          .filter((s) => s.pipelineName === median.name)
          .map((s) => ({ ...s, ms: s.at - (sentAt.get(median.name) ?? 0) }))
      : [];
    const timeline = medianCalls
      .filter((s) => median && s.at <= (firstRollback.get(median.name) ?? 0))
      .map((s) => `${s.operation} +${s.ms.toFixed(0)}ms`);
    const afterwards = medianCalls
      .filter((s) => median && s.at > (firstRollback.get(median.name) ?? 0))
      .map((s) => `${s.operation} +${s.ms.toFixed(0)}ms`);
    if (timeline.length) log(`  median event's AWS calls: ${timeline.join(', ')}`);
    results.detection = {
      timelineOfMedianEvent: timeline,
      medianEventCallsAfterRollbackStage: afterwards,
      botCpuMsPerEvent: detectCpuMs / cfg.detectEvents,
      redisCommandsPerEvent: redisTotal / cfg.detectEvents,
      redisCommandsByName: detectRedis,
      slackUntilQuiet: await slackStats(detectSlackSince),
      awsCallsPerRollback: autoCalls,
      byOperation: autoByOp,
      // Where the slow ones are: ms per event, in the order they were sent.
      latencyInSendOrder: [...sentAt].map(([name, at]) =>
        firstRollback.has(name) ? Math.round((firstRollback.get(name) ?? at) - at) : null,
      ),
      events: cfg.detectEvents,
      rollbacksSeen: firstRollback.size,
      p50: percentile(detectLat, 50),
      p99: percentile(detectLat, 99),
      baseline: bullBaseline,
    };
    log(
      `detection → action: ${firstRollback.size}/${cfg.detectEvents} RollbackStage seen; p99 ${percentile(detectLat, 99).toFixed(1)} ms; BullMQ round trip p99 ${bullBaseline.p99.toFixed(2)} ms`,
    );
    const notYet =
      firstRollback.size === 0 ? 'not available yet: no RollbackStage reached AWS' : '';
    rows.push({
      figure: 'detection → RollbackStage p50',
      value: firstRollback.size ? percentile(detectLat, 50) : undefined,
      unit: 'ms',
      baseline: bullBaseline.p50,
      baselineNote: 'BullMQ add→process p50',
      note: notYet,
    });
    rows.push({
      figure: 'detection → RollbackStage p99',
      value: firstRollback.size ? percentile(detectLat, 99) : undefined,
      unit: 'ms',
      baseline: bullBaseline.p99,
      baselineNote: 'BullMQ add→process p99',
      note:
        notYet ||
        (firstRollback.size < cfg.detectEvents
          ? `${cfg.detectEvents - firstRollback.size} never acted on`
          : ''),
    });
  }
  if (want('replicas')) {
    if (want('detect'))
      log('replicas: after the detect phase, its pipelines may be rolled back already');
    const replicas = await runReplicasPhase({
      fleet,
      quick,
      allUrl: botUrl,
      slackControlUrl: slack.info.controlUrl,
      eventsSecret,
      freePort,
      startBotProcess,
      stamps,
      clearStamps,
      log,
      concurrency: (flags['replica-concurrency'] ?? '1,50').split(',').map(Number),
      detectIntervalMs: cfg.detectIntervalMs,
    });
    rows.push(...replicas.rows);
    results.replicas = replicas.results;
  }
  if (!want('rest')) {
    await writeReport(rows, results, t0, redis);
    await bot.stop();
    if (profileDir) log(`CPU profile of the bot in ${profileDir}`);
    return;
  }

  // ---- 5a / 4b. Manual rollbacks: AWS calls each, Redis memory per audited request ----------
  await clearStamps();
  const memBefore = await redisMemory(redis);
  const reqBefore = await scanCount(redis, `${PREFIX}:req:*`);
  const manual = fleet.pipelines.slice(-cfg.manualRollbacks);
  let started = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (;;) {
        const k = next++;
        const p = manual[k];
        if (!p) return;
        const key = `manual/${p.env}`;
        // trigger_ids of their own: the bot takes each once (a redelivery is dropped), so one
        // the ack phase used, or the command's for its click, would be ignored.
        const body = commandBody(`${p.env} Deploy`, on(p, key), k, `${k}.3000.manual${k}`);
        await post(`${botUrl}/slack/events`, body, slackHeaders(signingSecret, body));
        const confirmation = await responses.waitFor(
          key,
          (b) => buttonValue(b, 'rollback.confirm') !== undefined,
          30_000,
        );
        const offer = buttonValue(confirmation, 'rollback.confirm');
        if (!offer) continue;
        const click = buttonBody(
          'rollback.confirm',
          offer,
          on(p, `${key}/click`),
          k,
          `${k}.3001.manualclick${k}`,
        );
        await post(`${botUrl}/slack/events`, click, slackHeaders(signingSecret, click));
        if (await responses.waitFor(`${key}/click`, () => true, 30_000)) started += 1;
      }
    }),
  );
  await untilQuiet(async () => (await stamps()).length, 5_000, 120_000);
  // Only calls about these pipelines: the periodic deploy-block reconcile reads every pipeline.
  const manualNames = new Set(manual.map((p) => p.name));
  const manualStamps = (await stamps()).filter(
    (s) => s.pipelineName !== undefined && manualNames.has(s.pipelineName),
  );
  const manualRollbackCalls = manualStamps.filter((s) => s.operation === 'RollbackStage').length;
  const memAfter = await redisMemory(redis);
  const reqAfter = await scanCount(redis, `${PREFIX}:req:*`);
  const requests = reqAfter - reqBefore;
  const perThousand = requests > 0 ? ((memAfter - memBefore) / requests) * 1000 : undefined;
  const manualCalls =
    manualRollbackCalls > 0 ? manualStamps.length / manualRollbackCalls : undefined;
  const manualBreakdown = callBreakdown(manualStamps);
  log(`  AWS calls of the manual rollbacks, ${breakdownNote(manualBreakdown)}`);
  const oneManual = manualStamps.filter((s) => s.pipelineName === manual[0]?.name);
  if (oneManual.length)
    log(
      `  one manual rollback's AWS calls (${manual[0]?.name}): ${oneManual.map((s) => `${s.operation}${s.executionId ? ` ${s.executionId.slice(0, 8)}` : ''} +${(s.at - (oneManual[0]?.at ?? 0)).toFixed(0)}ms`).join(', ')}`,
    );
  results.manual = {
    rollbacks: cfg.manualRollbacks,
    answered: started,
    rollbackStageCalls: manualRollbackCalls,
    awsCallsPerRollback: manualCalls,
    byOperation: countBy(manualStamps.map((s) => s.operation)),
    perRollback: manualBreakdown,
    requestsCreated: requests,
    redisBytesPer1000Requests: perThousand,
  };
  log(
    `manual rollbacks: ${manualRollbackCalls} RollbackStage for ${cfg.manualRollbacks} asked; ${requests} requests stored`,
  );

  // ---- 3. Event storm ----------------------------------------------------------------------
  const since = await slackMark();
  await clearStamps();
  const storm = stormEvents(fleet, cfg.stormEvents, 0.1);
  const uniqueIds = new Set(storm.map((e) => e.id));
  const answers = new Map<string, string>();
  let failedPosts = 0;
  let retries = 0;
  const stormStart = Date.now();
  let cursor = 0;
  await Promise.all(
    Array.from({ length: cfg.stormConcurrency }, async () => {
      for (;;) {
        const ev = storm[cursor++];
        if (!ev) return;
        let outcome: string | undefined;
        for (let attempt = 0; attempt < 6 && outcome === undefined; attempt++) {
          if (attempt > 0) {
            retries += 1;
            await sleep(100 * 2 ** attempt);
          }
          const r = await postEvent(botUrl, eventsSecret, ev).catch(() => undefined);
          if (r && r.status < 300)
            outcome = (JSON.parse(r.body) as { outcome?: string }).outcome ?? 'ok';
        }
        if (outcome === undefined) failedPosts += 1;
        else if (!answers.has(ev.id) || outcome === 'enqueued') answers.set(ev.id, outcome);
      }
    }),
  );
  const ingestMs = Date.now() - stormStart;
  const ingestRate = storm.length / (ingestMs / 1000);
  const outcomes = countBy([...answers.values()]);
  // Lost: taken (2xx, not deliberately ignored) but no job in the events queue, or never taken.
  let lost = uniqueIds.size - answers.size;
  for (const [id, outcome] of answers) {
    // 'duplicate': the same occurrence (another delivery, or the poller) was enqueued already.
    if (outcome === 'ignored' || outcome === 'duplicate') continue;
    if (!(await redis.exists(`${PREFIX}:events:aws-${id}`))) lost += 1;
  }
  log(
    `storm: ${storm.length} events (${uniqueIds.size} unique) in ${(ingestMs / 1000).toFixed(1)} s; lost ${lost}; waiting for Slack to settle`,
  );
  const settled = await untilQuiet(
    async () => (await slackStats(since)).calls,
    5_000,
    quick ? 90_000 : 240_000,
  );
  const stats = await slackStats(since);
  for (const r of stats.repeatedTexts) {
    const posts = r.at
      .map((t, k) => `+${t - stormStart} ms [${r.releases[k]?.join(' ') || 'no release'}]`)
      .join(', ');
    log(
      `${r.repeats > 0 ? `REPEATED post (${r.repeats} repeats)` : 'same text, other releases'}: ${r.posts} posts in ${r.channel}${r.thread ? ` thread ${r.thread}` : ''}: ${JSON.stringify(r.text)}: ${posts}`,
    );
  }
  const stormStamps = await stamps();
  const rollbacksPerPipeline = countBy(
    stormStamps.filter((s) => s.operation === 'RollbackStage').map((s) => s.pipelineName ?? '?'),
  );
  // Each pipeline's failure was already acted on in phase 2 (or, without reactions, never is):
  // any RollbackStage during the storm for a pipeline phase 2 rolled back is a duplicate.
  const stormRollbackDupes = Object.entries(rollbacksPerPipeline).reduce(
    (d, [name, k]) => d + (firstRollback.has(name) ? k : Math.max(0, k - 1)),
    0,
  );
  const finalTimes = Object.values(stats.lastMessageAt).map((t) => t - stormStart);
  finalTimes.sort((a, b) => a - b);
  // The floor Slack's limit allows: the busiest channel's messages beyond the burst, at 1/s.
  const busiest = Math.max(0, ...Object.values(stats.messageCalls));
  const floorMs = Math.max(0, busiest - cfg.slackBurst) * 1000;
  const eventsCompleted = await redis.zcard(`${PREFIX}:events:completed`);
  const eventsWaiting = await redis.llen(`${PREFIX}:events:wait`);
  const bullAddRate = await bullmqAddRate(
    redisServer.url,
    Math.min(storm.length, 5_000),
    cfg.stormConcurrency,
  );
  results.storm = {
    events: storm.length,
    unique: uniqueIds.size,
    ingestMs,
    ingestPerSecond: ingestRate,
    outcomes,
    retries,
    failedPosts,
    lost,
    duplicateRollbackStage: stormRollbackDupes,
    repeatedSlackPosts: stats.repeatedPosts,
    sameTextOtherReleases: stats.sameTextOtherReleases,
    repeatedSlackTexts: stats.repeatedTexts,
    slack429: stats.rateLimited,
    slackByMethod: stats.byMethod,
    slackSettled: settled,
    channelsWithMessages: finalTimes.length,
    finalStateMs: { p50: percentile(finalTimes, 50), max: finalTimes.at(-1) },
    busiestChannelMessages: busiest,
    slackFloorMs: floorMs,
    eventsCompleted,
    eventsWaiting,
    baselineBullmqAddPerSecond: bullAddRate,
  };
  const reacting = stats.calls > 0 || eventsCompleted > 0;
  rows.push({
    figure: 'storm ingest',
    value: ingestRate,
    unit: 'events/s',
    baseline: bullAddRate,
    baselineNote: 'bare BullMQ add/s',
    note: `${retries} retries after 503`,
  });
  rows.push({ figure: 'storm events lost', value: lost, unit: '', note: 'must be 0' });
  rows.push({
    figure: 'storm duplicate reactions',
    value: reacting ? stormRollbackDupes + stats.repeatedPosts : undefined,
    unit: '',
    note: reacting
      ? `${stormRollbackDupes} RollbackStage, ${stats.repeatedPosts} repeated posts${repeatedNote(stats.repeatedTexts)}; must be 0 (${stats.sameTextOtherReleases} posts of a text again for another release, not counted)`
      : 'not available yet: no reactions to events (events queue not consumed)',
  });
  rows.push({
    figure: 'storm Slack 429s handled',
    value: reacting ? stats.rateLimited : undefined,
    unit: '',
    note: reacting ? `${stats.calls} Web API calls` : 'not available yet: nothing posted',
  });
  rows.push({
    figure: 'storm time to final state (max channel)',
    value: finalTimes.length ? finalTimes.at(-1) : undefined,
    unit: 'ms',
    baseline: finalTimes.length ? floorMs : undefined,
    baselineNote: `busiest channel's ${busiest} messages at 1/s after a burst of ${cfg.slackBurst}`,
    note: finalTimes.length
      ? `${finalTimes.length} channels; p50 ${percentile(finalTimes, 50).toFixed(0)} ms${settled ? '' : '; NOT settled'}`
      : 'not available yet: nothing posted',
  });

  // ---- 4. Footprint ------------------------------------------------------------------------
  const rssAfterAtOnce = await metric('process_resident_memory_bytes');
  await memoryNote('after-storm at once');
  const after = (await settledRss({ bot: bot.child.pid })).bot!;
  log(`memory after-storm: bot ${settledNote(after)}; RSS MiB: ${after.samplesMiB.join(' ')}`);
  await memoryNote('after-storm', true);
  const footprint = { rssAt3s, baselineAt3s, idle, rssAfterAtOnce, after };
  results.footprint = { ...footprintJson(footprint), redisBytesPer1000Requests: perThousand };
  rows.push(...footprintRows(footprint));
  rows.push({
    figure: 'Redis per 1,000 audited requests',
    value: perThousand === undefined ? undefined : perThousand / 2 ** 20,
    unit: 'MiB',
    baseline: bullBaseline.bytesPer1000Jobs / 2 ** 20,
    baselineNote: '1,000 bare BullMQ jobs',
    note: perThousand === undefined ? 'no request stored' : `from ${requests} requests`,
  });

  // ---- 5. AWS calls per rollback -----------------------------------------------------------
  rows.push({
    figure: 'AWS calls per manual rollback',
    value: manualCalls,
    unit: 'calls',
    baseline: 1,
    baselineNote: 'the one RollbackStage',
    note:
      manualCalls === undefined ? 'no manual rollback reached AWS' : breakdownNote(manualBreakdown),
  });
  rows.push({
    figure: 'AWS calls per automatic rollback',
    value: autoCalls,
    unit: 'calls',
    baseline: 1,
    baselineNote: 'the one RollbackStage',
    note:
      autoCalls === undefined
        ? 'not available yet: no automatic rollback'
        : autoBreakdown
          ? breakdownNote(autoBreakdown)
          : '',
  });
  results.automatic = {
    awsCallsPerRollback: autoCalls,
    byOperation: autoByOp,
    perRollback: autoBreakdown,
  };

  await writeReport(rows, results, t0, redis);
  await bot.stop();
  if (profileDir) log(`CPU profile of the bot in ${profileDir}`);
}

async function writeReport(
  rows: Row[],
  results: Record<string, unknown>,
  t0: number,
  redis: Redis,
) {
  const machine = {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    redis: (await redis.info('server')).match(/redis_version:(\S+)/)?.[1],
  };
  const table = printTable(rows);
  process.stdout.write(`\n${table}\n`);
  process.stdout.write(
    `machine: ${machine.nproc} × ${machine.cpu}, Node ${machine.node}, Redis ${machine.redis}; ${quick ? 'quick' : 'full'} run${phases.size < 3 ? ` (phases ${[...phases].join(',')})` : ''}, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
  );
  writeFileSync(
    flags.out,
    `${JSON.stringify({ at: new Date().toISOString(), quick, settings: { ...cfg, phases: [...phases] }, machine, rows, results }, null, 2)}\n`,
  );
  log(`wrote ${path.relative(process.cwd(), flags.out)}`);
}

/** The node flags of package.json's `start` script (e.g. --max-semi-space-size=16). */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.split(/\s+/).filter((a) => a.startsWith('--'));
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** The most repeated texts, for the table's note (every one is in the log and the JSON). */
function repeatedNote(texts: RepeatedText[]): string {
  const repeated = texts.filter((r) => r.repeats > 0);
  if (repeated.length === 0) return '';
  const top = repeated
    .slice(0, 2)
    .map((r) => `${JSON.stringify(r.text.slice(0, 40))} ×${r.posts}`)
    .join(', ');
  return ` (${repeated.length} texts: ${top}${repeated.length > 2 ? ', …' : ''})`;
}

function postEvent(botUrl: string, secret: string, ev: AwsEventJson) {
  return post(`${botUrl}/aws/events`, JSON.stringify(ev), {
    'content-type': 'application/json',
    'x-rollback-bot-secret': secret,
  });
}

/** Baseline for detection → action: one BullMQ add → process round trip, one at a time. */
async function bullmqRoundTrip(url: string, count: number) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const prefix = '{bench-baseline}';
  const name = `roundtrip-${Date.now()}`;
  const queue = new Queue(name, { connection, prefix });
  const memBefore = await redisMemory(connection);
  let resolveNext: (() => void) | undefined;
  const worker = new Worker(
    name,
    async () => {
      resolveNext?.();
    },
    { connection: connection.duplicate(), prefix, concurrency: 1 },
  );
  await worker.waitUntilReady();
  const lat: number[] = [];
  const jobs = Math.max(count, 50);
  for (let i = 0; i < jobs; i++) {
    const done = new Promise<void>((r) => {
      resolveNext = r;
    });
    const start = performance.now();
    await queue.add(
      'ping',
      { i, at: Date.now() },
      { jobId: `j-${i}`, removeOnComplete: { count: 100_000 } },
    );
    await done;
    lat.push(performance.now() - start);
  }
  await sleep(200);
  const memAfter = await redisMemory(connection);
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  lat.sort((a, b) => a - b);
  return {
    n: lat.length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    bytesPer1000Jobs: ((memAfter - memBefore) / jobs) * 1000,
  };
}

/** Baseline for storm ingest: bare BullMQ adds per second with the same concurrency. */
async function bullmqAddRate(url: string, count: number, concurrency: number) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const prefix = '{bench-baseline}';
  const queue = new Queue(`adds-${Date.now()}`, { connection, prefix });
  let i = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < count) {
        const k = i++;
        await queue.add('event', { k, padding: 'x'.repeat(600) }, { jobId: `e-${k}` });
      }
    }),
  );
  const rate = count / ((performance.now() - start) / 1000);
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  return rate;
}

let interrupted = false;
const interrupt = () => {
  if (interrupted) return;
  interrupted = true;
  log('interrupted: stopping every process');
  void cleanUpAll().finally(() => process.exit(130));
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);

main()
  .then(() => cleanUpAll())
  .then(() => process.exit(0))
  .catch(async (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanUpAll();
    process.exit(1);
  });
