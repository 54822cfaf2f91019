// `npm run sandbox`: Redis, the local AWS endpoint (demo world, real-time), the local Slack
// (demo workspace and page) and the real bot wired to them only through URLs and tokens.
// Ctrl-C stops everything.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePort, startRedisServer } from '../../scripts/lib/redis-server.mjs';
import { startBot } from '../app/start-bot.js';
import { loadEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { createLogger } from '../log.js';
import { startAwsSandbox } from './aws/index.js';
import { scenarioNames } from './scenario-names.js';
import { startLocalSlack } from './slack/index.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function main() {
  const pagePort = Number(process.env.SANDBOX_PORT ?? 3000);
  const redis = process.env.REDIS_URL ? undefined : await startRedisServer();
  const redisUrl = process.env.REDIS_URL ?? redis!.url;
  const worldFile = process.env.SANDBOX_WORLD ?? here('./aws/worlds/demo.yml');
  const aws = await startAwsSandbox({
    world: worldFile,
    time: { mode: 'realtime', stageDurationMs: Number(process.env.SANDBOX_STAGE_MS ?? 4000) },
  });
  const botToken = `xoxb-sandbox-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const eventsSecret = randomBytes(16).toString('hex');
  const botPort = await freePort();
  const slack = await startLocalSlack({
    port: pagePort,
    host: '127.0.0.1',
    botToken,
    signingSecret,
    botUrl: `http://127.0.0.1:${botPort}/slack/events`,
    awsControlUrl: aws.url,
    // The page's scenario controls offer the world's pipelines and alarms, the first preselected.
    scenarios: await scenarioNames(worldFile),
  });
  const env = loadEnv({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_TEAM_ID: 'T0SANDBOX',
    SLACK_APP_ID: 'A0ROLLBACK',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: '{rollback}',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.url,
    ROLLBACK_CONFIG: process.env.ROLLBACK_CONFIG ?? here('./sandbox.config.yml'),
    PORT: String(botPort),
    ROLE: 'all',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    EVENTS_SHARED_SECRET: eventsSecret,
    PUBLIC_URL: slack.pageUrl,
  });
  // The SDK reads credentials from the environment; the local endpoint accepts any.
  process.env.AWS_ACCESS_KEY_ID ??= 'sandbox';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'sandbox';
  const config = await loadConfigFile(env.ROLLBACK_CONFIG, env.AWS_REGION);
  const log = createLogger(env.LOG_LEVEL);
  const bot = await startBot({ env, config, log, host: '127.0.0.1' });
  aws.control.subscribe(`http://127.0.0.1:${bot.port}/aws/events`, {
    headers: { 'x-rollback-bot-secret': eventsSecret },
  });

  process.stdout.write(
    [
      '',
      'rollback-bot sandbox is running (local stand-ins for Slack and AWS; nothing leaves this machine).',
      `  Workspace page:     ${slack.pageUrl}`,
      `  Local AWS endpoint: ${aws.url}   (control API: ${aws.url}/_sandbox/)`,
      `  Bot:                http://127.0.0.1:${bot.port}   (/healthz, /readyz, /metrics)`,
      `  Redis:              ${redisUrl}`,
      '',
      'Open the page, pick a user, and type /rollback help. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the sandbox…\n');
    await bot.stop().catch(() => undefined);
    await slack.close().catch(() => undefined);
    await aws.close().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
