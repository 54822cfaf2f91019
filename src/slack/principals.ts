// Who is in a list of principals (src/services/principals.ts): user ids directly, user groups
// (S…) through usergroups.users.list, cached briefly. When Slack cannot answer, fail closed and
// say so. Who may act is decided by src/slack/authorize.ts, which asks this.
import type { WebClient } from '@slack/web-api';
import { type PrincipalResolver, PrincipalsUnavailableError } from '../services/principals.js';
import { slackErrorCode } from './slack-errors.js';

export function createPrincipalResolver(
  client: Pick<WebClient, 'usergroups'>,
  opts: { ttlMs?: number; now?: () => number } = {},
): PrincipalResolver {
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; users: Set<string> }>();
  async function members(group: string): Promise<Set<string>> {
    const hit = cache.get(group);
    if (hit && now() - hit.at < ttl) return hit.users;
    try {
      const res = await client.usergroups.users.list({ usergroup: group });
      const users = new Set(res.users ?? []);
      cache.set(group, { at: now(), users });
      return users;
    } catch (err) {
      const code = slackErrorCode(err) ?? (err as Error).message;
      throw new PrincipalsUnavailableError(
        `Slack could not list the members of user group ${group} (${code}), so nobody is let in through it. Try again, or ask an admin to list users directly.`,
      );
    }
  }
  async function expand(principals: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const p of principals) {
      if (p.startsWith('S')) for (const u of await members(p)) out.add(u);
      else out.add(p);
    }
    return out;
  }
  return {
    expand,
    async includes(principals, user) {
      if (principals.includes(user)) return true;
      for (const p of principals) {
        if (p.startsWith('S') && (await members(p)).has(user)) return true;
      }
      return false;
    },
  };
}
