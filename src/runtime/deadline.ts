// The one "wait for a promise at most N ms". The work itself is never cancelled: past the bound
// the caller goes on without it, and it finishes (or fails) on its own. The timer is cleared as
// soon as either side wins, so no timer outlives the wait.

/** What `within` rejects with when the work has not settled in time. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

const LATE = Symbol('late');

async function orLate<T>(work: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `work`'s value or failure if it settles within `ms`; else rejects with DeadlineExceeded. */
export async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  const settled = await orLate(work, ms);
  if (settled === LATE) throw new DeadlineExceeded(ms);
  return settled;
}

/**
 * Whether `work` fulfilled within `ms`: true, or false once `ms` passed first. A failure within
 * `ms` is passed on (rejects with it), so the caller handles it as it would without the bound.
 */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return (await orLate(work, ms)) !== LATE;
}
