// The releases of a stage a picker offers, newest first, each with whether it can be a target
// and why not. Pickers opened at the same time for one stage share one listing, only while it
// runs (like previews).
import { accountOf } from '../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import { listReleaseChoices, type ReleaseChoice } from '../domain/release-list.js';
import { placeKey } from '../domain/rollback-request.js';
import { sharedWhileRunning } from '../runtime/in-flight.js';
import { loadStageSnapshot } from './load-snapshots.js';
import type { RollbackContext } from './rollback-context.js';
import { environmentOf, stageOf } from './rollback-lookup.js';

export type ListingContext = Pick<RollbackContext, 'config' | 'aws' | 'standing'> & {
  listings: (key: string, start: () => Promise<ReleaseChoice[]>) => Promise<ReleaseChoice[]>;
};

export const releaseListings = () => sharedWhileRunning<ReleaseChoice[]>();

/** A deployment group has no picker: its list is empty. */
export async function releases(
  ctx: ListingContext,
  envName: string,
  opts: { stage?: string; limit?: number } = {},
): Promise<ReleaseChoice[]> {
  const env = environmentOf(ctx.config, envName);
  if (env.target.kind !== 'stage') return [];
  const stage = stageOf(env, opts.stage);
  const limit = opts.limit ?? 10;
  const { pipeline } = env.target;
  return ctx.listings(JSON.stringify([env.name, stage, limit]), async () => {
    const cp = createCodePipelineAdapter(ctx.aws, accountOf(env));
    const { snapshot } = await loadStageSnapshot(cp, pipeline, stage, {
      limit,
      standing: await ctx.standing.read(placeKey(env.region, { pipeline, stage })),
    });
    return listReleaseChoices(snapshot, limit);
  });
}
