// Who may act on an environment: the one rule behind every command, click and view submission
// that changes something (src/slack/authorize.ts applies it). Pure: the membership of Slack user
// groups is asked by the caller, and only when the channel and the user ids did not already answer.
// Automatic rollbacks by the bot are not asked: no person acts.
import type { Config, EnvironmentConfig } from '../config/config.js';
import type { Requester } from './rollback-request.js';

export type Act =
  | { act: 'request'; env: EnvironmentConfig }
  | { act: 'cancel' | 'unlock'; env: EnvironmentConfig; requester: Requester | undefined }
  | { act: 'freeze' | 'unfreeze'; target: string };

/** Why someone is in a grant; the refusal names each group of people by it. */
export type Role = 'listed' | 'requester' | 'approver' | 'admin' | 'freezer';

export type Grantee =
  | { kind: 'channel'; channel: string }
  | { kind: 'principal'; id: string; role: Role };

export interface Grant {
  act: Act['act'];
  /** The environment (or freeze target) acted on. */
  target: string;
  /** Everyone who may, without duplicates, in the order the config lists them; admins last. */
  who: Grantee[];
}

/** The people and channel behind a permission list of `env`. */
function resolveList(
  entries: readonly string[],
  env: EnvironmentConfig,
  requester: Requester | undefined,
): Grantee[] {
  const out: Grantee[] = [];
  for (const entry of entries) {
    if (entry === 'channel') out.push({ kind: 'channel', channel: env.channel });
    else if (entry === 'approvers') {
      for (const id of env.approval.approvers)
        out.push({ kind: 'principal', id, role: 'approver' });
    } else if (entry === 'requester') {
      if (requester?.kind === 'user') {
        out.push({ kind: 'principal', id: requester.id, role: 'requester' });
      } else if (requester?.kind === 'auto') {
        // The bot asked on the environment's behalf: those who could have asked stand in for it.
        out.push(...resolveList(env.permissions.request, env, undefined));
      }
    } else out.push({ kind: 'principal', id: entry, role: 'listed' });
  }
  return out;
}

function dedupe(who: Grantee[]): Grantee[] {
  const seen = new Set<string>();
  return who.filter((g) => {
    const key = g.kind === 'channel' ? `#${g.channel}` : g.id;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Who may do `scope`: the environment's list (or the freezers), then the admins. */
export function grantFor(scope: Act, access: Config['access']): Grant {
  const admins: Grantee[] = access.admins.map((id) => ({ kind: 'principal', id, role: 'admin' }));
  switch (scope.act) {
    case 'request':
      return {
        act: scope.act,
        target: scope.env.name,
        who: dedupe([
          ...resolveList(scope.env.permissions.request, scope.env, undefined),
          ...admins,
        ]),
      };
    case 'cancel':
    case 'unlock':
      return {
        act: scope.act,
        target: scope.env.name,
        who: dedupe([
          ...resolveList(scope.env.permissions.cancel, scope.env, scope.requester),
          ...admins,
        ]),
      };
    case 'freeze':
    case 'unfreeze':
      return {
        act: scope.act,
        target: scope.target,
        who: dedupe([
          ...access.freezers.map((id): Grantee => ({ kind: 'principal', id, role: 'freezer' })),
          ...admins,
        ]),
      };
  }
}

export type DirectCheck =
  | { ok: true; by: Grantee }
  | {
      ok: false /** User groups (S…) whose members may: ask Slack about these. */;
      groups: string[];
    };

/**
 * Whether `grant` lets `who` act without asking Slack: acting from the granted channel, or listed
 * by user id. Otherwise the user groups still to ask.
 */
export function checkDirect(grant: Grant, who: { user: string; channel?: string }): DirectCheck {
  for (const g of grant.who) {
    if (g.kind === 'channel' && who.channel !== undefined && who.channel === g.channel) {
      return { ok: true, by: g };
    }
    if (g.kind === 'principal' && g.id === who.user) return { ok: true, by: g };
  }
  const groups = grant.who.flatMap((g) =>
    g.kind === 'principal' && g.id.startsWith('S') ? [g.id] : [],
  );
  return { ok: false, groups };
}

/** One line for the audit stream: who may, as ids (no mrkdwn). */
export function grantSummary(grant: Grant): string {
  const who = grant.who.map((g) =>
    g.kind === 'channel'
      ? `channel ${g.channel}`
      : g.role === 'listed'
        ? g.id
        : `${g.id} (${g.role})`,
  );
  return `${grant.act} ${grant.target}: may ${who.join(', ') || 'nobody'}`;
}
