// Two web and two worker bot processes (src/main.ts, ROLE=web / ROLE=worker) on one Redis prefix,
// the local AWS endpoint and the local Slack in this process: Slack's requests spread round robin
// over the web replicas (as a load balancer would), AWS's events delivered to each web replica
// (at least once, as EventBridge may), so everything that must happen once is deduplicated across
// processes or not at all.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import { type LocalSlack, startLocalSlack } from '../../../src/sandbox/slack/index.js';
import { type BotProcess, spawnBot } from '../../support/bot-process.js';
import { waitFor } from '../../support/rollback-harness.js';
import { replicaConfig, replicaWorkspace, replicaWorld } from './replica-fleet.js';

export interface Replica {
  name: string;
  role: 'web' | 'worker';
  proc: BotProcess;
  url: string;
}

export interface ReplicaSet {
  aws: AwsSandbox;
  slack: LocalSlack;
  prefix: string;
  redisUrl: string;
  replicas: Replica[];
  workers(): Replica[];
  stop(): Promise<void>;
}

export async function startReplicaSet(): Promise<ReplicaSet> {
  const prefix = `{t-${ulid()}}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'rollback-replicas-'));
  const configFile = path.join(dir, 'rollback.yml');
  writeFileSync(configFile, replicaConfig());
  // Real time: the processes' clocks are the wall clock.
  const aws = await startAwsSandbox({ world: replicaWorld(), time: { mode: 'realtime' } });
  const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const eventsSecret = randomBytes(16).toString('hex');
  const slack = await startLocalSlack({ botToken, signingSecret, workspace: replicaWorkspace() });
  const redisUrl = inject('redisUrl');
  const env = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_TEAM_ID: 'T0SANDBOX',
    SLACK_APP_ID: 'A0ROLLBACK',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ROLLBACK_CONFIG: configFile,
    PORT: '0',
    EVENTS_SHARED_SECRET: eventsSecret,
  };
  const plan = [
    ['web-1', 'web'],
    ['web-2', 'web'],
    ['worker-1', 'worker'],
    ['worker-2', 'worker'],
  ] as const;
  const procs = plan.map(([name, role]) => ({
    name,
    role,
    proc: spawnBot({ ...env, ROLE: role }),
  }));
  const replicas: Replica[] = [];
  const stop = async () => {
    await Promise.all(
      procs.map(async ({ proc }) => {
        if (proc.child.exitCode === null && proc.child.signalCode === null) {
          proc.child.kill('SIGTERM');
        }
        await proc.exited;
      }),
    );
    await slack.close();
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const { name, role, proc } of procs) {
      const line = await proc.waitForLog((l) => l.msg === 'rollback-bot is listening');
      replicas.push({ name, role, proc, url: `http://127.0.0.1:${String(line.port)}` });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const web = replicas.filter((r) => r.role === 'web');
  slack.setBotUrl(web.map((r) => `${r.url}/slack/events`));
  for (const r of web) {
    aws.control.subscribe(`${r.url}/aws/events`, {
      headers: { 'x-rollback-bot-secret': eventsSecret },
    });
  }
  return {
    aws,
    slack,
    prefix,
    redisUrl,
    replicas,
    workers: () =>
      replicas.filter(
        (r) => r.role === 'worker' && r.proc.child.exitCode === null && !r.proc.child.signalCode,
      ),
    stop,
  };
}

/** The harness's waitFor, with room for four processes on two cores (default 30 s). */
export function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  return waitFor(what, check, timeoutMs);
}
