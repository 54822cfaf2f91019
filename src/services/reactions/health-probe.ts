// After a rollback succeeds, where the environment names `healthUrl`: GET it until it answers
// 200, the way a pre-traffic hook would — one attempt per timer job (no sleep holding a lock),
// each with its own time limit, a bounded number of attempts, then one report in the thread.
// Only that URL is ever fetched: redirects are not followed (a 3xx is a failed attempt).
import type { EnvironmentConfig } from '../../config/config.js';
import type { HealthProbeJob } from '../../jobs/queues.js';
import type { ThreadRef } from '../../store/reaction-store.js';
import type { HealthProbeTimings, ReactionContext } from './context.js';
import { ReactionBusy } from './context.js';

export const DEFAULT_HEALTH_PROBE: HealthProbeTimings = {
  attempts: 10,
  everyMs: 5_000,
  timeoutMs: 5_000,
};

type ProbeResult = { ok: true; status: number } | { ok: false; said: string };

/** One GET of exactly `url`; 200 is healthy, anything else (3xx included) is not. */
async function probeOnce(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const res = await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': 'rollback-bot health probe' },
    });
    // The body is not read; cancel it so the connection is released.
    await res.body?.cancel().catch(() => undefined);
    return res.status === 200
      ? { ok: true, status: 200 }
      : { ok: false, said: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error;
    return { ok: false, said: e.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : e.name };
  }
}

/** Starts the probe of a finished rollback (idempotent per rollback). */
export async function startHealthProbe(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  rollbackId: string,
  thread: ThreadRef | undefined,
): Promise<void> {
  if (!env.healthUrl) return;
  const key = `${env.name}|${rollbackId}`;
  if (!(await ctx.store.once('health-start', key))) return;
  await ctx.store.record('health', key, {
    attempts: '0',
    startedAt: String(ctx.now()),
    ...(thread ? { thread: JSON.stringify(thread) } : {}),
  });
  await ctx.timers.healthProbe({ env: env.name, rollbackId }, 0, 'a0');
}

export async function checkHealth(ctx: ReactionContext, job: HealthProbeJob): Promise<void> {
  const env = ctx.config.environments[job.env];
  // The URL comes from the configuration only, never from the job.
  if (!env?.healthUrl) return;
  const t = ctx.timings.healthProbe;
  const key = `${env.name}|${job.rollbackId}`;
  const release = await ctx.store.lock('health', key, t.timeoutMs + 10_000);
  if (!release) throw new ReactionBusy(`health probe ${key}`);
  try {
    const p = await ctx.store.progress('health', key);
    if (!p.startedAt || p.done) return;
    // The last probe's report, when Slack could not take it yet (the job runs again at its slot
    // in the channel's line): reported as it was, never probed again.
    const probed = p.result ? (JSON.parse(p.result) as ProbeResult) : undefined;
    const attempts = Number(p.attempts ?? '0') + (probed ? 0 : 1);
    const result = probed ?? (await probeOnce(env.healthUrl, t.timeoutMs));
    if (!probed) await ctx.store.record('health', key, { attempts: String(attempts) });
    if (!result.ok && attempts < t.attempts) {
      await ctx.timers.healthProbe(job, t.everyMs, `a${attempts}`);
      return;
    }
    const probedAt = probed ? Number(p.probedAt) : ctx.now();
    if (!probed) {
      await ctx.store.record('health', key, {
        result: JSON.stringify(result),
        probedAt: String(probedAt),
      });
    }
    const thread = p.thread ? (JSON.parse(p.thread) as ThreadRef) : undefined;
    await ctx.slack.post(
      thread?.channel ?? env.channel,
      {
        notice: 'health',
        env: env.name,
        url: env.healthUrl,
        attempts,
        afterMs: probedAt - Number(p.startedAt),
        ...(result.ok ? { outcome: 'healthy' } : { outcome: 'unhealthy', said: result.said }),
      },
      { ...(thread ? { threadTs: thread.ts } : {}), key: `health|${key}` },
    );
    await ctx.store.record('health', key, { done: result.ok ? 'healthy' : 'unhealthy' });
    ctx.log.info({ env: env.name, rollbackId: job.rollbackId, attempts, result }, 'health probed');
  } finally {
    await release();
  }
}
