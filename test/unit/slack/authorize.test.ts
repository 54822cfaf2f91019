// The one permission check: the exact refusal text (who may instead, as mentions), the audit
// entry, user groups asked only when needed, and failing closed when Slack cannot say.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import type { Grant } from '../../../src/domain/permissions.js';
import {
  type PrincipalResolver,
  PrincipalsUnavailableError,
} from '../../../src/services/principals.js';
import { authorize } from '../../../src/slack/authorize.js';
import { permissionRefusal } from '../../../src/slack/blocks/permission-refusal.js';
import type { AttemptAudit } from '../../../src/store/audit-stream.js';

const config = parseConfig(
  `
defaults:
  approvers: [S0APPROVERS]
access:
  admins: [U0RELEASE]
  freezers: [S0APPROVERS]
environments:
  staging:
    channel: C0STAGING
    pipeline: web-app
    stages: { Deploy-Staging: {} }
  prod-us:
    channel: C0PROD
    pipeline: web-app
    stages: { Deploy: {} }
    permissions: { request: [S0ONCALL] }
`,
  'test',
  'us-east-1',
);
const prod = config.environments['prod-us']!;
const staging = config.environments.staging!;

const GROUPS: Record<string, string[]> = {
  S0ONCALL: ['U0ONCALL', 'U0ONCALL2'],
  S0APPROVERS: ['U0MANAGER', 'U0RELEASE'],
};

function deps(opts: { slackDown?: boolean } = {}) {
  const asked: string[][] = [];
  const audited: Parameters<AttemptAudit['record']>[0][] = [];
  const principals: PrincipalResolver = {
    async includes(list, user) {
      asked.push([...list]);
      if (opts.slackDown) {
        throw new PrincipalsUnavailableError(
          'Slack could not list the members of user group S0ONCALL (ratelimited), so nobody is let in through it.',
        );
      }
      return list.some((p) => p === user || (GROUPS[p] ?? []).includes(user));
    },
    async expand() {
      return new Set();
    },
  };
  const audit: AttemptAudit = {
    async record(entry) {
      audited.push(entry);
    },
  };
  return { deps: { config, principals, audit }, asked, audited };
}

describe('authorize', () => {
  it('refuses the outsider on a restricted environment, even in its channel, and audits it', async () => {
    const d = deps();
    const out = await authorize(d.deps, {
      scope: { act: 'request', env: prod },
      user: 'U0OUTSIDER',
      channel: 'C0PROD',
      event: 'rollback',
    });
    expect(out).toEqual({
      ok: false,
      message: 'prod-us can be rolled back only by <!subteam^S0ONCALL> or an admin (<@U0RELEASE>).',
    });
    expect(d.audited).toEqual([
      {
        by: 'user:U0OUTSIDER',
        event: 'rollback-refused',
        env: 'prod-us',
        channel: 'C0PROD',
        detail: 'request prod-us: may S0ONCALL, U0RELEASE (admin)',
      },
    ]);
  });

  it('lets on-call in through the group, from any channel, without an audit entry', async () => {
    const d = deps();
    const out = await authorize(d.deps, {
      scope: { act: 'request', env: prod },
      user: 'U0ONCALL2',
      channel: 'C0GENERAL',
      event: 'rollback',
    });
    expect(out).toEqual({ ok: true });
    expect(d.asked).toEqual([['S0ONCALL']]);
    expect(d.audited).toEqual([]);
  });

  it('does not ask Slack when the channel or a user id already answers', async () => {
    const d = deps({ slackDown: true });
    expect(
      await authorize(d.deps, {
        scope: { act: 'request', env: staging },
        user: 'U0ANYONE',
        channel: 'C0STAGING',
        event: 'rollback',
      }),
    ).toEqual({ ok: true });
    expect(
      await authorize(d.deps, {
        scope: { act: 'request', env: prod },
        user: 'U0RELEASE',
        channel: 'C0GENERAL',
        event: 'rollback',
      }),
    ).toEqual({ ok: true });
    expect(d.asked).toEqual([]);
  });

  it('fails closed when Slack cannot list a group, and says both why and who may', async () => {
    const d = deps({ slackDown: true });
    const out = await authorize(d.deps, {
      scope: { act: 'cancel', env: prod, requester: { kind: 'auto', reason: 'stage failed' } },
      user: 'U0ONCALL',
      channel: 'C0PROD',
      event: 'cancel',
      request: '01JD5X7K9M2N3P4Q5R6S7T8V9W',
    });
    expect(out.ok).toBe(false);
    expect(!out.ok && out.message).toBe(
      'Slack could not list the members of user group S0ONCALL (ratelimited), so nobody is let in through it. You cannot cancel this rollback of prod-us: only <!subteam^S0ONCALL>, the approvers (<!subteam^S0APPROVERS>) or an admin (<@U0RELEASE>) may.',
    );
    expect(d.audited[0]).toMatchObject({
      event: 'cancel-refused',
      request: '01JD5X7K9M2N3P4Q5R6S7T8V9W',
      detail: expect.stringMatching(/^user groups unavailable; cancel prod-us: may /),
    });
  });
});

describe('the refusal names who may instead', () => {
  const grant = (g: Omit<Grant, 'target'> & { target?: string }): Grant => ({
    target: 'prod-us',
    ...g,
  });

  it('request from the wrong channel, on an environment open to its channel', () => {
    expect(
      permissionRefusal(
        grant({
          act: 'request',
          who: [
            { kind: 'channel', channel: 'C0PROD' },
            { kind: 'principal', id: 'U0LEAD', role: 'listed' },
            { kind: 'principal', id: 'U0RELEASE', role: 'admin' },
          ],
        }),
      ),
    ).toBe(
      'prod-us can be rolled back only from its channel <#C0PROD>, or by <@U0LEAD> or an admin (<@U0RELEASE>).',
    );
  });

  it('cancel and unlock: the requester, the approvers, the admins', () => {
    const who: Grant['who'] = [
      { kind: 'principal', id: 'U0ONCALL', role: 'requester' },
      { kind: 'principal', id: 'S0APPROVERS', role: 'approver' },
      { kind: 'principal', id: 'U0MANAGER', role: 'approver' },
      { kind: 'principal', id: 'U0RELEASE', role: 'admin' },
    ];
    expect(permissionRefusal(grant({ act: 'cancel', who }))).toBe(
      'You cannot cancel this rollback of prod-us: only <@U0ONCALL> (who asked), the approvers (<!subteam^S0APPROVERS>, <@U0MANAGER>) or an admin (<@U0RELEASE>) may.',
    );
    expect(permissionRefusal(grant({ act: 'unlock', who: who.slice(1, 2) }))).toBe(
      'You cannot unlock prod-us: only the approvers (<!subteam^S0APPROVERS>) may.',
    );
  });

  it('freeze, and nobody at all', () => {
    expect(
      permissionRefusal(
        grant({
          act: 'freeze',
          target: 'prod',
          who: [{ kind: 'principal', id: 'S0APPROVERS', role: 'freezer' }],
        }),
      ),
    ).toBe('Only freezers may freeze prod: <!subteam^S0APPROVERS>.');
    expect(permissionRefusal(grant({ act: 'unfreeze', who: [] }))).toBe(
      'Only freezers may unfreeze prod-us: none configured in access.freezers.',
    );
    expect(permissionRefusal(grant({ act: 'request', who: [] }))).toBe(
      'Nobody may roll back prod-us: its permissions.request is empty and access.admins lists nobody.',
    );
  });

  it('renders an environment name inert', () => {
    expect(permissionRefusal({ act: 'request', target: '<!here>', who: [] })).toContain(
      '&lt;!here&gt;',
    );
  });
});
