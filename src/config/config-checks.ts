// The rules of a config file that span keys: what an environment guards, one owner per stage
// or deployment group, and groups made of known environments. Each problem names its key path.
import type { z } from 'zod';
import { didYouMean } from '../runtime/suggest.js';
import type { environment, group } from './environment-schema.js';

type Environment = z.infer<typeof environment>;
type Group = z.infer<typeof group>;

/** The parts of a parsed config file these rules read. */
interface ConfigFile {
  defaults?: { region?: string | undefined } | undefined;
  environments: Record<string, Environment>;
  groups?: Record<string, Group> | undefined;
}

/** Where the problems go: zod's refinement context. */
interface Issues {
  addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void;
}

export function checkConfigFile(cfg: ConfigFile, issues: Issues): void {
  if (Object.keys(cfg.environments).length === 0) {
    issues.addIssue({
      code: 'custom',
      path: ['environments'],
      message: 'define at least one environment',
    });
  }
  const claimed = new Map<string, string>();
  for (const [name, env] of Object.entries(cfg.environments)) {
    checkTarget(name, env, issues);
    claimTargets(name, env, env.region ?? cfg.defaults?.region ?? '(AWS_REGION)', claimed, issues);
  }
  checkGroups(cfg, issues);
}

/** An environment guards a pipeline with stages, or a codedeploy group: exactly one. */
function checkTarget(name: string, env: Environment, issues: Issues): void {
  const hasPipeline = env.pipeline !== undefined || env.stages !== undefined;
  if (hasPipeline && env.codedeploy) {
    issues.addIssue({
      code: 'custom',
      path: ['environments', name],
      message: 'guards either a pipeline (pipeline + stages) or a codedeploy group, not both',
    });
  } else if (!hasPipeline && !env.codedeploy) {
    issues.addIssue({
      code: 'custom',
      path: ['environments', name],
      message: 'needs a pipeline with stages, or a codedeploy group',
    });
  } else if (
    hasPipeline &&
    (!env.pipeline || !env.stages || Object.keys(env.stages).length === 0)
  ) {
    issues.addIssue({
      code: 'custom',
      path: ['environments', name, env.pipeline ? 'stages' : 'pipeline'],
      message: env.pipeline
        ? 'list at least one stage to guard'
        : 'is required when stages are listed',
    });
  }
}

/**
 * A pipeline stage or deployment group in a region is guarded by one environment only: the
 * first to claim it (`claimed`: target key → environment) owns it.
 */
function claimTargets(
  name: string,
  env: Environment,
  where: string,
  claimed: Map<string, string>,
  issues: Issues,
): void {
  const keys: Array<{ key: string; path: (string | number)[]; what: string }> = [];
  for (const stage of Object.keys(env.stages ?? {})) {
    keys.push({
      key: `${where}/pipeline/${env.pipeline}/${stage}`,
      path: ['environments', name, 'stages', stage],
      what: `pipeline stage ${env.pipeline}/${stage}`,
    });
  }
  if (env.codedeploy) {
    keys.push({
      key: `${where}/codedeploy/${env.codedeploy.application}/${env.codedeploy.deploymentGroup}`,
      path: ['environments', name, 'codedeploy'],
      what: `deployment group ${env.codedeploy.application}/${env.codedeploy.deploymentGroup}`,
    });
  }
  for (const k of keys) {
    const owner = claimed.get(k.key);
    if (owner) {
      issues.addIssue({
        code: 'custom',
        path: k.path,
        message: `${k.what} in ${where} is already guarded by environment "${owner}"; one owner per stage`,
      });
    } else claimed.set(k.key, name);
  }
}

/** A group's name is not an environment's, and its members are configured environments. */
function checkGroups(cfg: ConfigFile, issues: Issues): void {
  const envNames = Object.keys(cfg.environments);
  for (const [gname, g] of Object.entries(cfg.groups ?? {})) {
    if (gname in cfg.environments) {
      issues.addIssue({
        code: 'custom',
        path: ['groups', gname],
        message: `group name "${gname}" is also an environment name; use a different name`,
      });
    }
    const members = Array.isArray(g) ? g : g.members;
    members.forEach((m, i) => {
      if (!(m in cfg.environments)) {
        issues.addIssue({
          code: 'custom',
          path: ['groups', gname, ...(Array.isArray(g) ? [] : ['members']), i],
          message: `unknown environment "${m}"${didYouMean(m, envNames)}`,
        });
      }
    });
  }
}
