// The guardrails hook: the policy issue plugs its decision in here. Default: allow.
import type { EnvironmentConfig } from '../config/config.js';
import type { RollbackRequest } from '../domain/rollback-request.js';

export type PolicyDecision =
  | { kind: 'allow'; note?: string }
  | { kind: 'needs-approval'; rule: string; detail: string }
  | { kind: 'block'; reason: string };

export type DecideRollback = (ctx: {
  request: RollbackRequest;
  env: EnvironmentConfig;
}) => PolicyDecision | Promise<PolicyDecision>;

export const allowAll: DecideRollback = () => ({ kind: 'allow' });
