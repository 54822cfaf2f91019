// Mentions: a Slack id becomes markup that pings; anything else (a name, an id-shaped string with
// markup in it) is shown inert.
import { describe, expect, it } from 'vitest';
import { isSlackUserId, mention } from '../../../../src/slack/blocks/format.js';

describe('mention', () => {
  it('mentions users and user groups by their Slack ids', () => {
    expect(mention('U0ONCALL')).toBe('<@U0ONCALL>');
    expect(mention('W012ABC')).toBe('<@W012ABC>');
    expect(mention('S0APPROVERS')).toBe('<!subteam^S0APPROVERS>');
  });

  it('shows anything else inert', () => {
    expect(mention('<!channel>')).not.toContain('<!channel>');
    expect(mention('Olivia')).not.toMatch(/^<[@!]/);
    expect(mention('U0X> <!here')).not.toContain('<!here');
  });

  it('knows a user id', () => {
    expect(isSlackUserId('U0ONCALL')).toBe(true);
    expect(isSlackUserId('user:U0ONCALL')).toBe(false);
    expect(isSlackUserId('S0APPROVERS')).toBe(false);
    expect(isSlackUserId(undefined)).toBe(false);
  });
});
