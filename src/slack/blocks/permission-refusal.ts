// What a refused person reads: what they may not do, and who may instead, as mentions (users
// `<@U…>`, user groups `<!subteam^S…>`, the channel `<#C…>`). Pure.
import type { Grant, Grantee, Role } from '../../domain/permissions.js';
import { channelRef, mention } from './format.js';
import { escapeMrkdwn } from './inert-text.js';

/** "a", "a or b", "a, b or c". */
function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

const ORDER: Role[] = ['listed', 'freezer', 'requester', 'approver', 'admin'];

/** Who may, in words: the channel first, then people by why they may. */
export function whoMay(who: readonly Grantee[], opts: { channel?: boolean } = {}): string[] {
  const out: string[] = [];
  if (opts.channel !== false) {
    for (const g of who) if (g.kind === 'channel') out.push(`someone in ${channelRef(g.channel)}`);
  }
  for (const role of ORDER) {
    const ids = who.flatMap((g) => (g.kind === 'principal' && g.role === role ? [g.id] : []));
    if (ids.length === 0) continue;
    const mentions = ids.map(mention);
    if (role === 'requester') out.push(`${mentions.join(', ')} (who asked)`);
    else if (role === 'approver') out.push(`the approvers (${mentions.join(', ')})`);
    else if (role === 'admin') out.push(`an admin (${mentions.join(', ')})`);
    else out.push(...mentions);
  }
  return out;
}

export function permissionRefusal(grant: Grant): string {
  const target = escapeMrkdwn(grant.target);
  const channel = grant.who.find((g) => g.kind === 'channel');
  switch (grant.act) {
    case 'request': {
      const people = whoMay(grant.who, { channel: false });
      if (channel) {
        return `${target} can be rolled back only from its channel ${channelRef(channel.channel)}${people.length > 0 ? `, or by ${orList(people)}` : ''}.`;
      }
      return people.length > 0
        ? `${target} can be rolled back only by ${orList(people)}.`
        : `Nobody may roll back ${target}: its permissions.request is empty and access.admins lists nobody.`;
    }
    case 'cancel':
    case 'unlock': {
      const what =
        grant.act === 'cancel' ? `cancel this rollback of ${target}` : `unlock ${target}`;
      const who = whoMay(grant.who);
      return who.length > 0
        ? `You cannot ${what}: only ${orList(who)} may.`
        : `You cannot ${what}: nobody may (permissions.cancel is empty and access.admins lists nobody).`;
    }
    case 'freeze':
    case 'unfreeze': {
      const who = whoMay(grant.who);
      return `Only freezers may ${grant.act} ${target}: ${who.length > 0 ? orList(who) : 'none configured in access.freezers'}.`;
    }
  }
}
