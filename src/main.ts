// The process edge: read configuration, start the roles, stop cleanly on SIGTERM/SIGINT.
// Exit codes: 0 clean stop, 1 could not start (e.g. Redis) or cannot go on (Slack refused
// SLACK_APP_TOKEN while running: stopped cleanly first), 2 invalid configuration.
import { startBot } from './app/start-bot.js';
import { loadEnv } from './config/env.js';
import { ConfigError } from './config/errors.js';
import { loadConfigFile } from './config/load.js';
import { createLogger, routeProcessOutput, scrubSecrets } from './log.js';

async function main(): Promise<void> {
  let env: ReturnType<typeof loadEnv>;
  let config: Awaited<ReturnType<typeof loadConfigFile>>;
  try {
    env = loadEnv();
    config = await loadConfigFile(env.ROLLBACK_CONFIG, env.AWS_REGION);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`rollback-bot: ${err.source} is invalid:\n`);
      for (const p of err.problems) process.stderr.write(`${p}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(env.LOG_LEVEL);
  routeProcessOutput(log);
  // A crash is logged as JSON too, then ends the process as Node would (exit code 1).
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  // Listen for signals before anything starts: a SIGTERM during start-up must still end in a
  // clean stop (exit 0), never in the default kill.
  let bot: Awaited<ReturnType<typeof startBot>> | undefined;
  let stopSignal: NodeJS.Signals | 'failed' | undefined;
  let exitCode = 0;
  const shutdown = (signal: NodeJS.Signals | 'failed') => {
    if (stopSignal) return;
    stopSignal = signal;
    if (signal !== 'failed') log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 9 s; exiting anyway');
      process.exit(1);
    }, 9_000);
    force.unref();
    if (bot) stopAndExit(bot);
  };
  const stopAndExit = (running: NonNullable<typeof bot>) => {
    running
      .stop()
      .then(() => {
        log.info('stopped cleanly');
        process.exit(exitCode);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  try {
    bot = await startBot({ env, config, log });
  } catch (err) {
    const message = scrubSecrets(err instanceof Error ? err.message : String(err));
    log.fatal({ code: (err as { code?: string }).code }, message);
    process.stderr.write(`rollback-bot: cannot start: ${message}\n`);
    process.exit(1);
  }
  if (stopSignal) stopAndExit(bot);
  // The bot cannot go on (a refused token): one line saying what and what to do, a clean stop,
  // exit 1 so the orchestrator restarts it (and start-up says it again until it is fixed).
  void bot.failed.then((err) => {
    const message = scrubSecrets(err.message);
    log.fatal(message);
    process.stderr.write(`rollback-bot: stopping: ${message}\n`);
    if (!stopSignal) exitCode = 1;
    shutdown('failed');
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`rollback-bot: unexpected error: ${scrubSecrets(String(err))}\n`);
  process.exit(1);
});
