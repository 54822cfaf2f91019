// A stage of a guarded pipeline succeeded: the environments on that pipeline are reconciled
// shortly (a release may be waiting at a held stage); other events ask for nothing.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/config/load.js';
import type { DomainEvent } from '../../../../src/events/domain-event.js';
import { reconcileOnReleaseArrival } from '../../../../src/services/guardrails/release-arrival-hook.js';

const config = parseConfig(
  `
defaults: { region: us-east-1 }
environments:
  staging: { channel: C0STAGING, pipeline: web-app, stages: { Deploy-Staging: {} } }
  prod-us: { channel: C0PRODUS, pipeline: web-app, stages: { Deploy: {} } }
  api: { channel: C0API, pipeline: api, stages: { Deploy: {} } }
`,
  'test',
  'us-east-1',
);

const stageEvent = (type: string, pipeline: string, stage: string, region = 'us-east-1') =>
  ({
    type,
    pipeline,
    stage,
    region,
    account: '111122223333',
    executionId: 'e1',
  }) as unknown as DomainEvent;

describe('reconcile on a release arriving', () => {
  it('asks for the environments on that pipeline whose guarded stages may follow', async () => {
    const asked: Array<[string, { envs: string[]; delayMs?: number } | undefined]> = [];
    const hook = reconcileOnReleaseArrival(
      config,
      { reconcileNow: async (why, only) => void asked.push([why, only]) },
      2_000,
    );
    await hook(stageEvent('StageSucceeded', 'web-app', 'Build'));
    await hook(stageEvent('StageSucceeded', 'web-app', 'Deploy-Staging'));
    await hook(stageEvent('StageSucceeded', 'web-app', 'Deploy'));
    await hook(stageEvent('StageFailed', 'web-app', 'Build'));
    await hook(stageEvent('StageSucceeded', 'web-app', 'Build', 'eu-west-1'));
    expect(asked).toEqual([
      ['web-app Build succeeded', { envs: ['staging', 'prod-us'], delayMs: 2_000 }],
      // Staging's own stage succeeded: only prod-us may have a release waiting.
      ['web-app Deploy-Staging succeeded', { envs: ['prod-us'], delayMs: 2_000 }],
      // The hook does not know the stage order: staging is read once more, for nothing.
      ['web-app Deploy succeeded', { envs: ['staging'], delayMs: 2_000 }],
    ]);
  });
});
