// A read scope: inside `inReadScope(fn)`, identical AWS reads (same client, operation and input)
// are sent once and their answer shared, like a per-request DataLoader. One reaction to an event
// asks about the same execution, pipeline and stage from several places (the release's facts,
// whether AWS rolls back itself, the preview, the guardrails); within the scope each is read once.
//
// Only reads are shared (Get*, List*, Describe*, BatchGet*). Any other call through a scoped client
// forgets everything read so far, so a scope always reads its own writes. A failed read is
// forgotten too, so a retry reads again. Outside a scope nothing changes: the rollback worker's
// reconcile before RollbackStage always reads AWS afresh.
import { AsyncLocalStorage } from 'node:async_hooks';

type Answer = Promise<unknown>;

interface Scope {
  reads: Map<string, Answer>;
}

const storage = new AsyncLocalStorage<Scope>();

const READ_OPERATION = /^(Get|List|Describe|BatchGet)[A-Z]/;

/** Runs `fn` in a read scope (or in the caller's, when there is one already). */
export function inReadScope<T>(fn: () => Promise<T>): Promise<T> {
  if (storage.getStore()) return fn();
  return storage.run({ reads: new Map() }, fn);
}

/** Whether an operation (e.g. `GetPipelineExecution`) only reads. */
export function isReadOperation(operation: string): boolean {
  return READ_OPERATION.test(operation);
}

/** The minimal shape of an SDK v3 client's middleware stack that this file needs. */
interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: { input: unknown }) => Answer,
      context: { commandName?: string },
    ) => (args: { input: unknown }) => Answer,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

/** Installs the scope on one SDK client; `clientKey` tells clients (service, region, role) apart. */
export function shareReadsInScope(client: { middlewareStack: unknown }, clientKey: string): void {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next, context) => (args) => {
      const scope = storage.getStore();
      if (!scope) return next(args);
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (!isReadOperation(operation)) {
        scope.reads.clear();
        return next(args);
      }
      const key = `${clientKey}|${operation}|${JSON.stringify(args.input)}`;
      const shared = scope.reads.get(key);
      if (shared) return shared;
      const answer = next(args);
      scope.reads.set(key, answer);
      answer.catch(() => {
        if (scope.reads.get(key) === answer) scope.reads.delete(key);
      });
      return answer;
    },
    { step: 'initialize', name: 'rollbackBotReadScope', priority: 'high' },
  );
}
