// The one decision's port: what the rollback service asks before a request moves on (the
// guardrails answer it, src/services/guardrails/guardrails-decide.ts). Required: there is no
// default.
import type { ActionOutputVariables, ExecutionDetail } from '../aws/codepipeline-adapter.js';
import type { EnvironmentConfig } from '../config/config.js';
import type { Phrase } from '../domain/phrase.js';
import type { PipelineRelease } from '../domain/releases.js';
import type { RollbackRequest } from '../domain/rollback-request.js';

export type PolicyDecision =
  | { kind: 'allow'; note?: string }
  /** `detail`: how many approvals, from whom, until when and why, as a phrase. */
  | { kind: 'needs-approval'; rule: string; detail: Phrase }
  | { kind: 'block'; reason: Phrase };

/**
 * What the request's own preview read of a stage's pipeline moments ago, so the hook need not
 * list and fetch the same executions again. The hook uses it only where it answers as fully as
 * fresh reads would, and reads anything missing.
 */
export interface KnownExecutions {
  /** ListPipelineExecutions, newest first (up to 50). */
  recent: readonly PipelineRelease[];
  /** When the listings were asked for (ms, the service's clock): they are no older than this. */
  listedAt: number;
  /** ListPipelineExecutions of the executions that succeeded in the stage, newest first. */
  succeeded: readonly PipelineRelease[];
  /** The limit `succeeded` was listed with (a shorter list is complete). */
  succeededLimit: number;
  /** GetPipelineExecution answers by execution id. */
  details: ReadonlyMap<string, ExecutionDetail>;
  /** Action output variables (ListActionExecutions) by execution id, where the preview read them. */
  actionOutputVariables?: ReadonlyMap<string, ActionOutputVariables>;
}

export type DecideRollback = (ctx: {
  request: RollbackRequest;
  env: EnvironmentConfig;
  /** Stage targets: the executions the request's preview read. */
  known?: KnownExecutions;
  /**
   * The review's question, "what would the click do?": decide exactly as for the request, with
   * the same facts, but record nothing and post nothing.
   */
  dryRun?: boolean;
}) => PolicyDecision | Promise<PolicyDecision>;
