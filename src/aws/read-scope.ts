// A read scope: `scopeReads(aws)` gives clients on which identical AWS reads (same client,
// operation and input) are sent once and their answer shared, like a per-request DataLoader.
// One reaction to an event asks about the same execution, pipeline and stage from several places
// (the release's facts, whether AWS rolls back itself, the preview); with one scope per reaction
// each is read once.
//
// The scope replaces the client's `send`, and the SDK's paginators send through the client they
// are given, so every page an adapter reads on a scoped client is shared page by page too.
//
// Only reads are shared (Get*, List*, Describe*, BatchGet*). Any other call through the scope
// forgets everything read so far, so a scope always reads its own writes. A failed read is
// forgotten too, so a retry reads again. The scope lives as long as the caller keeps it (one
// job); the rollback worker's reconcile before RollbackStage never uses one.
//
// Explicit on purpose: an AsyncLocalStorage would find the scope by itself, but on Node 20 it
// turns on promise hooks for the whole process, which cost about a tenth of the bot's CPU under load.
import { type Account, type AwsClients, accountKey } from './aws-clients.js';

const READ_OPERATION = /^(Get|List|Describe|BatchGet)[A-Z]/;

/** Whether an operation (e.g. `GetPipelineExecution`) only reads. */
export function isReadOperation(operation: string): boolean {
  return READ_OPERATION.test(operation);
}

interface Sendable {
  send(command: { input: unknown; constructor: { name: string } }): Promise<unknown>;
}

export function scopeReads(aws: AwsClients): AwsClients {
  const reads = new Map<string, Promise<unknown>>();
  const views = new Map<object, object>();

  /** The same client, whose `send` shares reads within this scope. */
  function view<T extends object>(client: T, clientKey: string): T {
    const existing = views.get(client);
    if (existing) return existing as T;
    const real = client as unknown as Sendable;
    const scoped = Object.create(client) as T & Sendable;
    scoped.send = (command) => {
      const operation = command.constructor.name.replace(/Command$/, '');
      if (!isReadOperation(operation)) {
        reads.clear();
        return real.send(command);
      }
      const key = `${clientKey}|${operation}|${JSON.stringify(command.input)}`;
      const shared = reads.get(key);
      if (shared) return shared;
      const answer = real.send(command);
      reads.set(key, answer);
      answer.catch(() => {
        if (reads.get(key) === answer) reads.delete(key);
      });
      return answer;
    };
    views.set(client, scoped);
    return scoped;
  }

  const key = (kind: string, a: Account) => `${kind}|${accountKey(a)}`;
  return {
    codepipeline: (a) => view(aws.codepipeline(a), key('cp', a)),
    codedeploy: (a) => view(aws.codedeploy(a), key('cd', a)),
    cloudwatch: (a) => view(aws.cloudwatch(a), key('cw', a)),
    // The clients belong to `aws`; a scope only forgets.
    destroy: () => {
      reads.clear();
      views.clear();
    },
  };
}
