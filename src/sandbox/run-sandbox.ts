// `npm run sandbox [-- flags]`: Redis, the local AWS endpoint (demo world, real-time), the local
// Slack (demo workspace and page) and the real bot wired to them only through URLs and tokens:
// by default one ROLE=all bot in this process; with --replicas, separate ROLE=web and ROLE=worker
// processes (src/main.ts) on the one Redis, the local Slack spreading requests over the web ones;
// with --socket-mode, Slack over Socket Mode. Ctrl-C or SIGTERM stops everything.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startRedisCluster } from '../../scripts/lib/redis-cluster.mjs';
import { freePort, startRedisServer } from '../../scripts/lib/redis-server.mjs';
import { type RunningBot, startBot } from '../app/start-bot.js';
import { loadEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { createLogger } from '../log.js';
import { startAwsSandbox } from './aws/index.js';
import { type ReplicaSet, startReplicas } from './replica-processes.js';
import {
  parseSandboxFlags,
  SANDBOX_USAGE,
  SandboxFlagError,
  type SandboxFlags,
} from './sandbox-flags.js';
import { scenarioNames } from './scenario-names.js';
import { startLocalSlack } from './slack/index.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** Stopping longer than this: whatever is left is killed. */
const STOP_GRACE_MS = 12_000;

/** What was started, stopped newest first (also when start-up fails half-way). */
const cleanups: Array<{ name: string; run: () => Promise<unknown> }> = [];
/** What stop() kills outright when stopping hangs. */
const forceKills: Array<() => void> = [];

function readFlags(): SandboxFlags {
  try {
    return parseSandboxFlags(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof SandboxFlagError)) throw err;
    process.stderr.write(`sandbox: ${err.message}\n`);
    process.exit(2);
  }
}

/** REDIS_URL (and REDIS_MODE) when given; else a private redis-server, or with --redis-cluster a
 * local cluster of 3 primaries with a replica each. */
async function startRedis(flags: SandboxFlags): Promise<{ redisUrl: string; redisMode: string }> {
  if (process.env.REDIS_URL) {
    return { redisUrl: process.env.REDIS_URL, redisMode: process.env.REDIS_MODE ?? 'single' };
  }
  if (flags.redisCluster) {
    const cluster = await startRedisCluster();
    cleanups.push({ name: 'Redis Cluster', run: () => cluster.stop() });
    return { redisUrl: cluster.urls.join(','), redisMode: 'cluster' };
  }
  const redis = await startRedisServer();
  cleanups.push({ name: 'redis-server', run: () => redis.stop() });
  forceKills.push(() => void redis.kill());
  return { redisUrl: redis.url, redisMode: 'single' };
}

async function main() {
  const flags = readFlags();
  if (flags.help) {
    process.stdout.write(`${SANDBOX_USAGE}\n`);
    process.exit(0);
  }
  const pagePort = Number(process.env.SANDBOX_PORT ?? 3000);
  const { redisUrl, redisMode } = await startRedis(flags);
  const worldFile = process.env.SANDBOX_WORLD ?? here('./aws/worlds/demo.yml');
  const configFile = process.env.ROLLBACK_CONFIG ?? here('./sandbox.config.yml');
  const aws = await startAwsSandbox({
    world: worldFile,
    time: { mode: 'realtime', stageDurationMs: Number(process.env.SANDBOX_STAGE_MS ?? 4000) },
  });
  cleanups.push({ name: 'local AWS endpoint', run: () => aws.close() });
  const botToken = `xoxb-sandbox-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const eventsSecret = randomBytes(16).toString('hex');
  // Socket Mode: the app-level token apps.connections.open accepts (and the bot sends).
  const appToken = flags.socketMode
    ? `xapp-1-A0ROLLBACK-${randomBytes(12).toString('hex')}`
    : undefined;
  const slack = await startLocalSlack({
    port: pagePort,
    host: '127.0.0.1',
    botToken,
    signingSecret,
    ...(appToken ? { transport: 'socket' as const, appToken } : {}),
    awsControlUrl: aws.url,
    // The page's scenario controls offer the world's pipelines and alarms, the first preselected,
    // each pipeline's own alarms (its environments', from the bot's config) first.
    scenarios: await scenarioNames(worldFile, await loadConfigFile(configFile, 'us-east-1')),
  });
  cleanups.push({ name: 'local Slack', run: () => slack.close() });
  const botEnv: Record<string, string> = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    ...(appToken ? { SLACK_APP_TOKEN: appToken } : {}),
    SLACK_API_URL: slack.apiUrl,
    SLACK_TEAM_ID: 'T0SANDBOX',
    SLACK_APP_ID: 'A0ROLLBACK',
    REDIS_URL: redisUrl,
    REDIS_MODE: redisMode,
    REDIS_PREFIX: '{rollback}',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.url,
    ROLLBACK_CONFIG: configFile,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    EVENTS_SHARED_SECRET: eventsSecret,
    PUBLIC_URL: slack.pageUrl,
  };
  // The SDK reads credentials from the environment; the local endpoint accepts any.
  process.env.AWS_ACCESS_KEY_ID ??= 'sandbox';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'sandbox';

  const bots = flags.replicas
    ? await startReplicaBots(flags, botEnv)
    : await startInProcessBot(botEnv);
  // Commands and clicks over HTTP go to the web replicas in turn (Socket Mode: each web replica
  // holds its own connection and the local Slack spreads envelopes over them).
  if (!appToken) slack.setBotUrl(bots.web.map((url) => `${url}/slack/events`));
  // EventBridge events reach every web replica; the intake's dedupe acts on each event once.
  for (const url of bots.web) {
    aws.control.subscribe(`${url}/aws/events`, {
      headers: { 'x-rollback-bot-secret': eventsSecret },
    });
  }
  process.stdout.write(
    [
      '',
      'rollback-bot sandbox is running (local stand-ins for Slack and AWS; nothing leaves this machine).',
      `  Workspace page:     ${slack.pageUrl}`,
      `  Local AWS endpoint: ${aws.url}   (control API: ${aws.url}/_sandbox/)`,
      ...bots.banner,
      `  Slack transport:    ${appToken ? 'Socket Mode (SLACK_APP_TOKEN; each web replica opens its own connection)' : 'HTTP (signed POSTs to /slack/events)'}`,
      `  Redis:              ${redisUrl}${redisMode === 'cluster' ? '   (REDIS_MODE=cluster)' : ''}`,
      '',
      'Open the page, pick a user, and type /rollback help. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

interface StartedBots {
  /** Base URLs of the processes serving /slack/events and /aws/events. */
  web: string[];
  banner: string[];
}

async function startInProcessBot(botEnv: Record<string, string>): Promise<StartedBots> {
  const port = await freePort();
  const env = loadEnv({ ...botEnv, PORT: String(port), ROLE: 'all' });
  const config = await loadConfigFile(env.ROLLBACK_CONFIG, env.AWS_REGION);
  const bot: RunningBot = await startBot({
    env,
    config,
    log: createLogger(env.LOG_LEVEL),
    host: '127.0.0.1',
  });
  cleanups.push({ name: 'bot', run: () => bot.stop() });
  const url = `http://127.0.0.1:${bot.port}`;
  return {
    web: [url],
    banner: [`  Bot:                ${url}   (ROLE=all; /healthz, /readyz, /metrics)`],
  };
}

async function startReplicaBots(
  flags: SandboxFlags,
  botEnv: Record<string, string>,
): Promise<StartedBots> {
  const counts = flags.replicas!;
  process.stdout.write(
    `Starting ${counts.web} web and ${counts.worker} worker replicas (separate processes)…\n`,
  );
  // Validated here once, so a bad setting is one message rather than one per replica.
  loadEnv({ ...botEnv, PORT: '0' });
  let set: ReplicaSet | undefined;
  cleanups.push({ name: 'bot replicas', run: () => set?.stop() ?? Promise.resolve() });
  set = await startReplicas({ counts, env: botEnv, freePort });
  const started = set;
  forceKills.push(() => {
    for (const r of started.replicas) r.child.kill('SIGKILL');
  });
  let stopping = false;
  cleanups.push({
    name: 'replica watch',
    run: async () => {
      stopping = true;
    },
  });
  for (const r of set.replicas) {
    r.child.once('exit', (code, signal) => {
      if (!stopping) {
        process.stdout.write(
          `[${r.name}] exited (${signal ?? `code ${code}`}); the others keep running\n`,
        );
      }
    });
  }
  return {
    web: set.web.map((r) => r.url),
    banner: [
      `  Bot replicas:       ${counts.web} × ROLE=web, ${counts.worker} × ROLE=worker, one Redis (each: /healthz, /readyz, /metrics)`,
      ...set.replicas.map(
        (r) => `    ${r.name.padEnd(10)} ${r.url.padEnd(24)} ROLE=${r.role} (pid ${r.child.pid})`,
      ),
    ],
  };
}

let stopping: Promise<void> | undefined;
function stop(code: number): Promise<void> {
  stopping ??= (async () => {
    process.stdout.write('\nStopping the sandbox…\n');
    // A part that hangs does not keep the rest (or a port) alive: kill what is left.
    const force = setTimeout(() => {
      process.stderr.write('sandbox: stopping took too long; killing what is left\n');
      for (const kill of forceKills) kill();
      setTimeout(() => process.exit(1), 200);
    }, STOP_GRACE_MS);
    force.unref();
    for (const c of cleanups.reverse()) {
      await c.run().catch((err: unknown) => {
        process.stderr.write(`sandbox: stopping ${c.name}: ${(err as Error).message}\n`);
      });
    }
    process.exit(code);
  })();
  return stopping;
}
// `on`, not `once`: a second signal (Ctrl-C reaches the whole process group, and npm forwards
// it too) must not fall back to Node's default and exit before the children are stopped.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void stop(0));
}

main().catch(async (err: unknown) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  await stop(1);
});
