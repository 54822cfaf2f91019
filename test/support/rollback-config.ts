// The rollback harness's configuration (rollback-harness.ts), shared by the in-process tests and
// the worker child process (test/integration/jobs/worker-child.ts).
import type { Config, EnvironmentConfig } from '../../src/config/config.js';

function env(name: string, target: EnvironmentConfig['target']): EnvironmentConfig {
  return {
    name,
    channel: 'C0TEST',
    region: 'us-east-1',
    target,
    alarms: [],
    bakeMs: 0,
    autoRollback: 'off',
    blockOnAlarms: [],
    suppressedAlarms: 'block',
    approval: {
      when: [],
      required: 1,
      approvers: [],
      expiresAfterMs: 60_000,
      allowSelfApproval: false,
      holdAutomatic: false,
    },
    windows: { timezone: 'UTC', allow: [], blackout: [], rollbacksDuringFreeze: 'allow' },
    permissions: { request: ['channel'], cancel: ['requester', 'approvers'] },
    feed: 'quiet',
  };
}

export function rollbackConfig(lockAfterRollback = false): Config {
  return {
    environments: {
      prod: env('prod', {
        kind: 'stage',
        pipeline: 'web-app',
        stages: { Deploy: { lockAfterRollback } },
      }),
      billing: env('billing', {
        kind: 'deployment-group',
        application: 'billing-api',
        deploymentGroup: 'prod-eu',
        duringBlock: 'announce',
      }),
    },
    groups: {},
    access: { admins: [], freezers: [] },
    events: {
      snsTopics: [],
      poll: { enabled: false, intervalMs: 60_000 },
      startupLookBackMs: 3_600_000,
    },
  };
}

/** Fast timings so tests run in milliseconds; the shapes are production's. */
export const FAST = {
  followDelayMs: 50,
  retry: { baseDelayMs: 20, maxDelayMs: 80, maxRetries: 5 },
};
