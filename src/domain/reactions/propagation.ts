// Which other environments may run the same bad source revision: other stages of the same
// pipeline (later stages, other regions) guarded by other environments, and members of the same
// group. Whether they actually run it is checked against AWS by the caller. Pure.
import type { Config, EnvironmentConfig } from '../../config/config.js';
import type { SourceRevision } from '../releases.js';

export interface PropagationCandidate {
  env: string;
  stage?: string;
  why: 'later-stage' | 'other-region' | 'same-pipeline' | 'group-member';
}

export function propagationCandidates(
  config: Config,
  from: EnvironmentConfig,
  fromStage: string | undefined,
  /** The pipeline's stage names in order, when known (GetPipeline). */
  stageOrder: readonly string[] = [],
): PropagationCandidate[] {
  const out: PropagationCandidate[] = [];
  const seen = new Set<string>();
  const add = (c: PropagationCandidate) => {
    const key = `${c.env}|${c.stage ?? ''}`;
    if (seen.has(key) || (c.env === from.name && c.stage === fromStage)) return;
    seen.add(key);
    out.push(c);
  };
  const fromPipeline = from.target.kind === 'stage' ? from.target.pipeline : undefined;
  const fromIndex = fromStage ? stageOrder.indexOf(fromStage) : -1;
  for (const env of Object.values(config.environments)) {
    if (env.name === from.name || env.target.kind !== 'stage') continue;
    if (env.target.pipeline !== fromPipeline) continue;
    for (const stage of Object.keys(env.target.stages)) {
      if (env.region !== from.region) {
        add({ env: env.name, stage, why: 'other-region' });
        continue;
      }
      const i = stageOrder.indexOf(stage);
      add({
        env: env.name,
        stage,
        why: fromIndex >= 0 && i > fromIndex ? 'later-stage' : 'same-pipeline',
      });
    }
  }
  for (const group of Object.values(config.groups)) {
    if (!group.members.includes(from.name)) continue;
    for (const member of group.members) {
      const env = config.environments[member];
      if (!env || member === from.name) continue;
      const stages = env.target.kind === 'stage' ? Object.keys(env.target.stages) : [undefined];
      for (const stage of stages)
        add({ env: member, ...(stage ? { stage } : {}), why: 'group-member' });
    }
  }
  return out;
}

/** True when the release runs any of the bad revision ids (a commit, an S3 object version…). */
export function runsBadRevision(
  bad: readonly SourceRevision[],
  current: readonly SourceRevision[],
): boolean {
  const ids = new Set(bad.map((r) => r.revisionId).filter((id) => id !== ''));
  return current.some((r) => ids.has(r.revisionId));
}
