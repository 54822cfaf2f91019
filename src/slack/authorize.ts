// The one permission check for every command, click and view submission that acts: the rule in
// src/domain/permissions.ts, with user groups resolved through Slack (failing closed when Slack
// cannot say). A refusal is audited as `<event>-refused` and says who may instead, as mentions.
import type { Config } from '../config/config.js';
import { type Act, checkDirect, grantFor, grantSummary } from '../domain/permissions.js';
import { type PrincipalResolver, PrincipalsUnavailableError } from '../services/principals.js';
import type { AttemptAudit } from '../store/audit-stream.js';
import { permissionRefusal } from './blocks/permission-refusal.js';

export interface AuthorizeDeps {
  config: Config;
  principals: PrincipalResolver;
  audit: AttemptAudit;
}

export interface AuthorizeInput {
  scope: Act;
  user: string;
  /** Where the person acted: the command's channel, or the channel of the clicked message. */
  channel?: string;
  /** The refusal is audited as `<event>-refused`. */
  event: string;
  /** The request acted on, for the audit. */
  request?: string;
}

/** On refusal, `message` is mrkdwn for the person, naming who may instead. */
export type Authorization = { ok: true } | { ok: false; message: string };

export async function authorize(
  deps: AuthorizeDeps,
  input: AuthorizeInput,
): Promise<Authorization> {
  const grant = grantFor(input.scope, deps.config.access);
  const direct = checkDirect(grant, {
    user: input.user,
    ...(input.channel ? { channel: input.channel } : {}),
  });
  if (direct.ok) return { ok: true };
  let message = permissionRefusal(grant);
  let detail = grantSummary(grant);
  if (direct.groups.length > 0) {
    try {
      if (await deps.principals.includes(direct.groups, input.user)) return { ok: true };
    } catch (err) {
      if (!(err instanceof PrincipalsUnavailableError)) throw err;
      message = `${err.message} ${message}`;
      detail = `user groups unavailable; ${detail}`;
    }
  }
  await deps.audit.record({
    by: `user:${input.user}`,
    event: `${input.event}-refused`,
    env: grant.target,
    ...(input.channel ? { channel: input.channel } : {}),
    ...(input.request ? { request: input.request } : {}),
    detail,
  });
  return { ok: false, message };
}

/**
 * Whether `user` may do `scope` (acting from `channel`, when given): the same rule as
 * `authorize`, nothing audited and nothing answered (the App Home shows what someone may do
 * before they try). Fails closed when Slack cannot say who is in a user group.
 */
export async function permitted(
  deps: Pick<AuthorizeDeps, 'config' | 'principals'>,
  input: { scope: Act; user: string; channel?: string },
): Promise<boolean> {
  const grant = grantFor(input.scope, deps.config.access);
  const direct = checkDirect(grant, {
    user: input.user,
    ...(input.channel ? { channel: input.channel } : {}),
  });
  if (direct.ok) return true;
  if (direct.groups.length === 0) return false;
  try {
    return await deps.principals.includes(direct.groups, input.user);
  } catch (err) {
    if (err instanceof PrincipalsUnavailableError) return false;
    throw err;
  }
}
