// Every AWS call of a phase, per rollback, split at each pipeline's first RollbackStage: the
// calls up to and including it (the reaction or the review, the request, the worker) and the
// calls after it (following the rollback to its end).

interface Stamp {
  operation: string;
  pipelineName?: string;
  at: number;
}

export interface CallBreakdown {
  rollbacks: number;
  /** Calls per rollback, by operation, up to and including the first RollbackStage. */
  before: Record<string, number>;
  /** Calls per rollback, by operation, after it. */
  after: Record<string, number>;
}

export function callBreakdown(stamps: readonly Stamp[]): CallBreakdown {
  const first = new Map<string, number>();
  for (const s of stamps) {
    if (s.operation !== 'RollbackStage' || !s.pipelineName) continue;
    if (!first.has(s.pipelineName) || s.at < (first.get(s.pipelineName) ?? 0))
      first.set(s.pipelineName, s.at);
  }
  const before: Record<string, number> = {};
  const after: Record<string, number> = {};
  for (const s of stamps) {
    if (!s.pipelineName || !first.has(s.pipelineName)) continue;
    const side = s.at <= (first.get(s.pipelineName) ?? 0) ? before : after;
    side[s.operation] = (side[s.operation] ?? 0) + 1;
  }
  const per = (m: Record<string, number>) =>
    Object.fromEntries(Object.entries(m).map(([op, n]) => [op, n / Math.max(1, first.size)]));
  return { rollbacks: first.size, before: per(before), after: per(after) };
}

const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

function list(m: Record<string, number>): string {
  return Object.entries(m)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `${op} ${Number(n.toFixed(2))}`)
    .join(', ');
}

/** One line for the table's note: every operation per rollback, before | after RollbackStage. */
export function breakdownNote(b: CallBreakdown): string {
  return `per rollback: up to RollbackStage ${Number(total(b.before).toFixed(2))} (${list(b.before)}); after ${Number(total(b.after).toFixed(2))} (${list(b.after) || 'none'})`;
}
