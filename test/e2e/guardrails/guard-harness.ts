// The end-to-end harness for the guardrails: like test/support/harness.ts, plus a bot that can be
// restarted on the same Redis prefix (a restart during a freeze), a fast reconcile period, a
// direct Redis client for the audit stream, and SDK clients to act as "someone else" in AWS.
import { randomBytes } from 'node:crypto';
import {
  CodePipelineClient,
  DisableStageTransitionCommand,
  GetPipelineStateCommand,
} from '@aws-sdk/client-codepipeline';
import { ulid } from 'ulid';
import { afterEach } from 'vitest';
import { type RunningBot, startBot } from '../../../src/app/start-bot.js';
import { parseConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log.js';
import {
  type AwsSandbox,
  type StartExecutionRequest,
  startAwsSandbox,
  type TimeMode,
} from '../../../src/sandbox/aws/index.js';
import { type LocalSlack, startLocalSlack } from '../../../src/sandbox/slack/index.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testBotEnv } from '../../support/harness.js';
import { testRedis } from '../../support/redis-cluster.js';

export const WORLD = new URL('../../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
export const ONCALL = 'U0ONCALL';
export const MANAGER = 'U0MANAGER';
export const RELEASE = 'U0RELEASE';
export const OUTSIDER = 'U0OUTSIDER';
export const PROD = 'C0DEPLOYPROD';

export interface GuardHarness {
  aws: AwsSandbox;
  slack: LocalSlack;
  bot: RunningBot;
  prefix: string;
  redis: RedisConnection;
  codepipeline: CodePipelineClient;
  /** Stops the bot and starts a new one on the same prefix, Slack and AWS. */
  restartBot(): Promise<void>;
  stopBot(): Promise<void>;
  startBot(): Promise<void>;
  audit(): Promise<Array<Record<string, string>>>;
  inbound(stage: string): Promise<{ enabled: boolean; disabledReason?: string }>;
  disableAsSomeoneElse(stage: string, reason: string): Promise<void>;
  stop(): Promise<void>;
}

/** Harnesses started and not stopped yet. */
const running = new Set<GuardHarness>();

/**
 * For a test file: after each test, every harness it started is stopped (also one a helper
 * started before the test had it in hand).
 */
export function stopHarnessesAfterEach(): void {
  afterEach(async () => {
    await Promise.all([...running].map((g) => g.stop()));
  });
}

export async function startGuardHarness(opts: {
  config: string;
  time?: TimeMode;
  reconcileEveryMs?: number;
}): Promise<GuardHarness> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const prefix = `{t-${ulid()}}`;
  const aws = await startAwsSandbox({
    world: WORLD,
    time: opts.time ?? { mode: 'realtime', stageDurationMs: 30 },
  });
  const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startLocalSlack({ botToken, signingSecret, awsControlUrl: aws.url });
  const env = testBotEnv({
    botToken,
    signingSecret,
    slackApiUrl: slack.apiUrl,
    awsUrl: aws.url,
    prefix,
  });
  const config = parseConfig(opts.config, 'test config', 'us-east-1');
  const redis = testRedis();
  const codepipeline = new CodePipelineClient({
    endpoint: aws.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  let bot: RunningBot | undefined;
  const h: GuardHarness = {
    aws,
    slack,
    get bot() {
      if (!bot) throw new Error('the bot is stopped');
      return bot;
    },
    prefix,
    redis,
    codepipeline,
    async startBot() {
      bot = await startBot({
        env,
        config,
        log: createLogger(env.LOG_LEVEL),
        host: '127.0.0.1',
        overrides: { guardrailsReconcileEveryMs: opts.reconcileEveryMs ?? 500 },
      });
      slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
    },
    async stopBot() {
      await bot?.stop();
      bot = undefined;
    },
    async restartBot() {
      await h.stopBot();
      await h.startBot();
    },
    async audit() {
      const entries = await redis.xrange(`${prefix}:audit`, '-', '+');
      return entries.map(([, flat]) => {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
        return f;
      });
    },
    async inbound(stage) {
      const out = await codepipeline.send(new GetPipelineStateCommand({ name: 'web-app' }));
      const t = out.stageStates?.find((s) => s.stageName === stage)?.inboundTransitionState;
      return {
        enabled: t?.enabled ?? true,
        ...(t?.disabledReason ? { disabledReason: t.disabledReason } : {}),
      };
    },
    async disableAsSomeoneElse(stage, reason) {
      await codepipeline.send(
        new DisableStageTransitionCommand({
          pipelineName: 'web-app',
          stageName: stage,
          transitionType: 'Inbound',
          reason,
        }),
      );
    },
    async stop() {
      running.delete(h);
      await h.stopBot();
      codepipeline.destroy();
      redis.disconnect();
      await slack.close();
      await aws.close();
    },
  };
  running.add(h);
  await h.startBot();
  return h;
}

/** Polls a condition that has no event (small interval, a deadline). */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts a release of web-app and waits until its pipeline execution reached `state`. */
export async function deploy(
  g: GuardHarness,
  release: StartExecutionRequest,
  state: 'SUCCEEDED' | 'FAILED',
  timeoutMs = 10_000,
): Promise<string> {
  const { pipelineExecutionId } = g.aws.control.startExecution('web-app', release);
  await waitFor(
    () =>
      g.aws.control
        .events()
        .some(
          (e) =>
            e['detail-type'] === 'CodePipeline Pipeline Execution State Change' &&
            (e.detail as Record<string, unknown>)['execution-id'] === pipelineExecutionId &&
            (e.detail as Record<string, unknown>).state === state,
        ) || undefined,
    `the release to end ${state}`,
    timeoutMs,
  );
  return pipelineExecutionId;
}

/** Starts a release marked ROLLBACK_UNSAFE and waits until the pipeline execution succeeded. */
export function deployUnsafeRelease(g: GuardHarness, timeoutMs = 10_000): Promise<string> {
  return deploy(
    g,
    {
      revision: { id: 'a'.repeat(40), message: 'Add orders.customer_id NOT NULL' },
      variables: { ROLLBACK_UNSAFE: 'schema migration 0042' },
    },
    'SUCCEEDED',
    timeoutMs,
  );
}

/** A prod-us/staging config with the given extra YAML under prod-us. */
export function guardConfig(prodUs: {
  approval?: string;
  windows?: string;
  extra?: string;
  /** Settings of prod-us's Deploy stage, e.g. `{ lockAfterRollback: true }`. Default `{}`. */
  deploy?: string;
}): string {
  return `
defaults:
  timezone: Europe/Berlin
  region: us-east-1
  approvers: [S0APPROVERS]
  approval:
    expiresAfter: 30m
    allowSelfApproval: false
  feed: off
access:
  admins: [U0RELEASE]
  freezers: [S0APPROVERS]
environments:
  staging:
    channel: C0DEPLOYSTG
    pipeline: web-app
    stages:
      Deploy-Staging: {}
  prod-us:
    channel: C0DEPLOYPROD
    pipeline: web-app
    stages:
      Deploy: ${prodUs.deploy ?? '{}'}
    alarms: [web-prod-5xx, web-prod-latency-p99]
    blockOnAlarms: [prod-sev1]
${prodUs.approval ? `    approval:\n${indent(prodUs.approval, 6)}` : ''}
${prodUs.windows ? `    windows:\n${indent(prodUs.windows, 6)}` : ''}
${prodUs.extra ? indent(prodUs.extra, 4) : ''}
`;
}

function indent(text: string, n: number): string {
  return text
    .trim()
    .split('\n')
    .map((l) => `${' '.repeat(n)}${l}`)
    .join('\n');
}
