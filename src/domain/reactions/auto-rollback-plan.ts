// Whether an incident's automatic rollback is requested, from what a rollback would do (the
// preview). Pure. Nothing to go back to, or a newer release already there, and the bot only
// says why it did not start one; it never rolls back a release that is no longer live.

/** What the preview said, as the incident records it. */
export interface PreviewSummary {
  /** False when the rollback has no target (message says why). */
  ok: boolean;
  /** The release live in the target now. */
  currentId?: string;
  message?: string;
}

export type AutoRollbackPlan = { kind: 'request' } | { kind: 'skip'; why: string };

export function planAutoRollback(input: {
  /** The failing release. */
  releaseId: string;
  preview: PreviewSummary;
  /** "web-app / Deploy" */
  where: string;
}): AutoRollbackPlan {
  const { preview } = input;
  if (!preview.ok) return { kind: 'skip', why: preview.message ?? 'no target' };
  if (preview.currentId && preview.currentId !== input.releaseId) {
    return {
      kind: 'skip',
      why: `a newer release (${preview.currentId.slice(0, 8)}) is already in ${input.where}`,
    };
  }
  return { kind: 'request' };
}
