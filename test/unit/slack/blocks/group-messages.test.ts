import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../../src/slack/blocks/action-ids.js';
import { groupConfirmationMessage } from '../../../../src/slack/blocks/group-messages.js';

const base = {
  group: 'prod',
  groupId: 'G1',
  onMemberFailure: 'halt' as const,
  members: [
    { env: 'prod-us', current: 'web-app / Deploy: aaaaaaa', target: 'bbbbbbb' },
    { env: 'prod-eu', current: 'billing-api / prod-eu: d-1', target: 'd-0' },
  ],
};
const shown = (m: ReturnType<typeof groupConfirmationMessage>) => JSON.stringify(m.blocks);

describe('the group review says what "Roll back all" does', () => {
  it('no approval, approval (from whom, why), or blocked with no button', () => {
    expect(shown(groupConfirmationMessage({ ...base, decision: { kind: 'allow' } }))).toContain(
      'No approval needed: the rollback starts when you click.',
    );
    const asks = shown(
      groupConfirmationMessage({
        ...base,
        decision: {
          kind: 'needs-approval',
          case: {
            rules: ['group-rollback'],
            why: ['prod-us: it rolls back several environments of a group together'],
            required: 1,
            approverSets: [['S0APPROVERS']],
            expiresAt: 0,
            forbidSelfApproval: true,
          },
        },
      }),
    );
    expect(asks).toContain('Needs approval');
    expect(asks).toContain('<!subteam^S0APPROVERS>');
    expect(asks).toContain('Roll back all 2 · asks approval');
    const blocked = shown(
      groupConfirmationMessage({ ...base, decision: { kind: 'block', reason: 'prod-us: frozen' } }),
    );
    expect(blocked).toContain('Blocked');
    expect(blocked).not.toContain(ACTION.groupConfirm);
  });
});
