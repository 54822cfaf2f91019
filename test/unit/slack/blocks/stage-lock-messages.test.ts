import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../../../src/config/config.js';
import { lockChangeMessage } from '../../../../src/slack/blocks/stage-lock-messages.js';

const env = {
  name: 'prod-us',
  channel: 'C0PROD',
  windows: { timezone: 'UTC', allow: [], blackout: [], rollbacksDuringFreeze: 'require-approval' },
} as unknown as EnvironmentConfig;
const now = new Date('2026-11-20T15:00:00Z');
const context = (m: ReturnType<typeof lockChangeMessage>) => JSON.stringify(m.blocks.at(-1));

describe('what a lock announcement says about rollbacks', () => {
  it('speaks of the freeze policy only while a freeze holds', () => {
    const alarm = lockChangeMessage({
      env,
      pipeline: 'web-app',
      stages: [
        {
          stage: 'Deploy',
          causes: [{ kind: 'alarm', reason: 'alarm prod-sev1', alarm: 'prod-sev1' }],
        },
      ],
      now,
    });
    expect(context(alarm)).toContain('Rollbacks are still possible: only forward deploys wait.');
    expect(context(alarm)).not.toContain('freeze');
    const freeze = lockChangeMessage({
      env,
      pipeline: 'web-app',
      stages: [
        {
          stage: 'Deploy',
          causes: [
            {
              kind: 'freeze',
              reason: 'freeze',
              until: new Date('2026-11-20T19:00:00Z'),
              freeze: {
                env: 'prod-us',
                by: 'U1',
                reason: 'Holiday',
                until: new Date('2026-11-20T19:00:00Z'),
                createdAt: now,
              },
            },
          ],
        },
      ],
      now,
    } as never);
    expect(context(freeze)).toContain('Rollbacks need approval while the freeze lasts.');
  });
});
