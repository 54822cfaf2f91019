// The pure permission rule: who a grant holds for each act, and who it lets in without asking
// Slack. Configs go through the real parser, so defaults are the ones the bot runs with.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/config.js';
import { parseConfig } from '../../../src/config/load.js';
import { checkDirect, grantFor, grantSummary } from '../../../src/domain/permissions.js';

const config = (envExtra = '', rest = ''): Config =>
  parseConfig(
    `
defaults:
  approvers: [S0APPROVERS]
access:
  admins: [U0ADMIN]
  freezers: [S0FREEZERS]
environments:
  prod:
    channel: C0PROD
    pipeline: web-app
    stages: { Deploy: {} }
${envExtra}
${rest}`,
    'test',
    'us-east-1',
  );

const prod = (c: Config) => c.environments.prod!;

describe('request', () => {
  it('defaults to anyone acting from the channel, plus admins', () => {
    const c = config();
    const grant = grantFor({ act: 'request', env: prod(c) }, c.access);
    expect(grant.who).toEqual([
      { kind: 'channel', channel: 'C0PROD' },
      { kind: 'principal', id: 'U0ADMIN', role: 'admin' },
    ]);
    expect(checkDirect(grant, { user: 'U0ANYONE', channel: 'C0PROD' }).ok).toBe(true);
    expect(checkDirect(grant, { user: 'U0ANYONE', channel: 'C0OTHER' })).toEqual({
      ok: false,
      groups: [],
    });
    expect(checkDirect(grant, { user: 'U0ANYONE' }).ok).toBe(false);
    expect(checkDirect(grant, { user: 'U0ADMIN', channel: 'C0OTHER' }).ok).toBe(true);
  });

  it('restricted to a group: being in the channel is not enough; the group is left to ask', () => {
    const c = config('    permissions: { request: [S0ONCALL, U0LEAD] }');
    const grant = grantFor({ act: 'request', env: prod(c) }, c.access);
    expect(checkDirect(grant, { user: 'U0OUTSIDER', channel: 'C0PROD' })).toEqual({
      ok: false,
      groups: ['S0ONCALL'],
    });
    expect(checkDirect(grant, { user: 'U0LEAD', channel: 'C0ELSEWHERE' }).ok).toBe(true);
    expect(grantSummary(grant)).toBe('request prod: may S0ONCALL, U0LEAD, U0ADMIN (admin)');
  });

  it('takes defaults.permissions where the environment says nothing, and an empty list means admins only', () => {
    const c = config();
    expect(prod(c).permissions).toEqual({
      request: ['channel'],
      cancel: ['requester', 'approvers'],
    });
    const d = parseConfig(
      `
defaults:
  permissions: { request: [S0ONCALL], cancel: [approvers] }
access: { admins: [U0ADMIN] }
environments:
  a: { channel: C0A, pipeline: p, stages: { S: {} } }
  b: { channel: C0B, pipeline: p, stages: { T: {} }, permissions: { request: [] } }
`,
      'test',
      'us-east-1',
    );
    expect(d.environments.a!.permissions).toEqual({ request: ['S0ONCALL'], cancel: ['approvers'] });
    expect(d.environments.b!.permissions).toEqual({ request: [], cancel: ['approvers'] });
    const b = grantFor({ act: 'request', env: d.environments.b! }, d.access);
    expect(b.who).toEqual([{ kind: 'principal', id: 'U0ADMIN', role: 'admin' }]);
  });
});

describe('cancel and unlock', () => {
  it('default: the requester, the approvers and admins; not the channel', () => {
    const c = config();
    const grant = grantFor(
      { act: 'cancel', env: prod(c), requester: { kind: 'user', id: 'U0ASKER' } },
      c.access,
    );
    expect(grant.who).toEqual([
      { kind: 'principal', id: 'U0ASKER', role: 'requester' },
      { kind: 'principal', id: 'S0APPROVERS', role: 'approver' },
      { kind: 'principal', id: 'U0ADMIN', role: 'admin' },
    ]);
    expect(checkDirect(grant, { user: 'U0ASKER', channel: 'C0ELSEWHERE' }).ok).toBe(true);
    expect(checkDirect(grant, { user: 'U0OTHER', channel: 'C0PROD' })).toEqual({
      ok: false,
      groups: ['S0APPROVERS'],
    });
  });

  it('an automatic request: whoever may request stands in for the requester', () => {
    const c = config('    permissions: { request: [S0ONCALL] }');
    const grant = grantFor(
      { act: 'cancel', env: prod(c), requester: { kind: 'auto', reason: 'stage failed' } },
      c.access,
    );
    expect(grant.who).toEqual([
      { kind: 'principal', id: 'S0ONCALL', role: 'listed' },
      { kind: 'principal', id: 'S0APPROVERS', role: 'approver' },
      { kind: 'principal', id: 'U0ADMIN', role: 'admin' },
    ]);
    // On an environment that says nothing, that is anyone in the channel (today's behaviour).
    const open = config();
    const openGrant = grantFor(
      { act: 'cancel', env: prod(open), requester: { kind: 'auto', reason: 'x' } },
      open.access,
    );
    expect(checkDirect(openGrant, { user: 'U0ANYONE', channel: 'C0PROD' }).ok).toBe(true);
  });

  it('an unknown requester (a lock nobody is on record for) lets in only the rest', () => {
    const c = config();
    const grant = grantFor({ act: 'unlock', env: prod(c), requester: undefined }, c.access);
    expect(grant.who.map((g) => (g.kind === 'principal' ? g.id : g.channel))).toEqual([
      'S0APPROVERS',
      'U0ADMIN',
    ]);
  });

  it('lists each person once, under the first reason that lets them in', () => {
    const c = config('    permissions: { cancel: [U0ADMIN, requester, approvers, channel] }');
    const grant = grantFor(
      { act: 'cancel', env: prod(c), requester: { kind: 'user', id: 'U0ADMIN' } },
      c.access,
    );
    expect(grant.who).toEqual([
      { kind: 'principal', id: 'U0ADMIN', role: 'listed' },
      { kind: 'principal', id: 'S0APPROVERS', role: 'approver' },
      { kind: 'channel', channel: 'C0PROD' },
    ]);
  });
});

describe('freeze', () => {
  it('is the freezers and the admins, whatever the environment', () => {
    const c = config();
    const grant = grantFor({ act: 'freeze', target: 'prod' }, c.access);
    expect(grant.who).toEqual([
      { kind: 'principal', id: 'S0FREEZERS', role: 'freezer' },
      { kind: 'principal', id: 'U0ADMIN', role: 'admin' },
    ]);
    expect(checkDirect(grant, { user: 'U0ANYONE', channel: 'C0PROD' })).toEqual({
      ok: false,
      groups: ['S0FREEZERS'],
    });
  });
});
