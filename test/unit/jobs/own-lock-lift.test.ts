// When the bot may lift a lock for a rollback: only its own reason, and only when nothing but
// that rollback waits at the transition (enabling it lets the waiting execution in).
import { describe, expect, it } from 'vitest';
import { ownLockHolding } from '../../../src/jobs/own-lock-lift.js';

const OWN = 'rollback-bot block (freeze by U0RELEASE until 2026-12-24 17.00 UTC - Holiday)';
const RB = '4f2a8c10-0000-4000-8000-000000000001';
const RELEASE = '4f2a8c10-0000-4000-8000-000000000002';

describe('ownLockHolding', () => {
  it('the bot’s own disable, nothing waiting or only the rollback: its reason', () => {
    expect(ownLockHolding({ inboundEnabled: false, disabledReason: OWN })).toEqual({ reason: OWN });
    expect(
      ownLockHolding(
        {
          inboundEnabled: false,
          disabledReason: OWN,
          inbound: [{ executionId: RB, type: 'ROLLBACK' }],
        },
        RB,
      ),
    ).toEqual({ reason: OWN });
  });

  it.each([
    ['an enabled transition', { inboundEnabled: true }],
    ['someone else’s disable', { inboundEnabled: false, disabledReason: 'DB migration - wait' }],
    ['a disable with no reason', { inboundEnabled: false }],
    [
      'a release waiting too',
      {
        inboundEnabled: false,
        disabledReason: OWN,
        inbound: [
          { executionId: RELEASE, type: 'STANDARD' },
          { executionId: RB, type: 'ROLLBACK' },
        ],
      },
    ],
  ])('never lifts %s', (_what, st) => {
    expect(ownLockHolding(st, RB)).toHaveProperty('not');
  });

  it('says which execution waits', () => {
    const said = ownLockHolding(
      { inboundEnabled: false, disabledReason: OWN, inbound: [{ executionId: RELEASE }] },
      RB,
    );
    expect(said).toEqual({ not: expect.stringContaining(RELEASE) });
  });
});
