import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../../../src/config/config.js';
import {
  heldDeployMessage,
  heldDeployStoppedMessage,
} from '../../../../src/slack/blocks/held-deploy-messages.js';
import type { HeldDeploy } from '../../../../src/store/held-deploy-store.js';

const env = {
  name: 'prod-eu',
  channel: 'C0PROD',
  windows: { timezone: 'UTC', allow: [], blackout: [], rollbacksDuringFreeze: 'allow' },
} as unknown as EnvironmentConfig;
const now = new Date('2026-11-20T15:00:00Z');
const held: HeldDeploy = {
  id: 'eu-west-1|d-ABCDEF123',
  env: 'prod-eu',
  region: 'eu-west-1',
  application: 'billing-api',
  deploymentGroup: 'prod-eu',
  deploymentId: 'd-ABCDEF123',
  mode: 'announce',
  causes: ['alarm billing-sev1 is in ALARM'],
  description: 'billing <!channel> *3.16*',
  at: now.getTime(),
};
const causes = [
  { kind: 'alarm' as const, reason: 'alarm billing-sev1 is in ALARM', alarm: 'billing-sev1' },
];
const link =
  '<https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-ABCDEF123?region=eu-west-1|d-ABCDEF123>';

describe('a forward deploy held while blocked', () => {
  it('announce: which deployment, what holds, and Stop carrying only the id', () => {
    expect(heldDeployMessage({ env, held, causes, now })).toEqual({
      text: 'A forward deploy started while prod-eu is blocked: deployment d-ABCDEF123 into billing-api / prod-eu.',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `:warning: A forward deploy started while prod-eu is blocked: deployment ${link} \`billing &lt;!channel&gt; *3.16*\` into *billing-api / prod-eu* (prod-eu).\nWhat holds forward deploys:\n• :red_circle: blocking alarm \`billing-sev1\` is in ALARM`,
          },
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'guard.stop_deploy',
              text: { type: 'plain_text', text: 'Stop' },
              value: 'eu-west-1|d-ABCDEF123',
              style: 'danger',
            },
          ],
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'Stop calls StopDeployment with automatic rollback, for those who may cancel rollbacks in this environment.',
            },
          ],
        },
      ],
    });
  });

  it('stopped by the bot, or by a person: no button, and who', () => {
    const bot = heldDeployMessage({
      env,
      held: { ...held, mode: 'stop', stopped: { by: 'rollback-bot', at: now.getTime() } },
      causes,
      now,
    });
    expect(bot.text).toBe(
      'Stopped deployment d-ABCDEF123 into billing-api / prod-eu (prod-eu): forward deploys are blocked.',
    );
    expect(bot.blocks).toHaveLength(1);
    const person = heldDeployStoppedMessage({
      ...held,
      stopped: { by: 'user:U0MANAGER', at: now.getTime() },
    });
    expect(person.blocks).toHaveLength(1);
    expect(JSON.stringify(person.blocks)).toContain('<@U0MANAGER> stopped deployment');
  });
});
