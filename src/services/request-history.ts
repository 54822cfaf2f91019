// What an environment's rollbacks are doing and did: the open ones (waiting for approval, queued
// or running) among the recent, and the history, newest first.
import { OPEN_STATES } from '../domain/request-state.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import type { RollbackContext } from './rollback-context.js';
import { environmentOf } from './rollback-lookup.js';

type HistoryContext = Pick<RollbackContext, 'config' | 'store'>;

export async function status(
  ctx: HistoryContext,
  envName: string,
): Promise<{ active: RollbackRequest[]; recent: RollbackRequest[] }> {
  environmentOf(ctx.config, envName);
  const recent = await ctx.store.listByEnv(envName, 20);
  return { active: recent.filter((r) => OPEN_STATES.includes(r.state)), recent };
}

export function history(
  ctx: HistoryContext,
  envName: string,
  limit = 10,
): Promise<RollbackRequest[]> {
  environmentOf(ctx.config, envName);
  return ctx.store.listByEnv(envName, limit);
}
