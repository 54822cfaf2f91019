// The names a command, a button or an event gives, checked against the configuration: the
// environment, its guarded stage, and the place (stage or deployment group) whose standings a
// release has. A wrong name is a coded error that suggests the closest right one.
import type { Config, EnvironmentConfig } from '../config/config.js';
import { CodedError } from '../domain/errors.js';
import { placeKey } from '../domain/rollback-request.js';
import { didYouMean } from '../runtime/suggest.js';

export function environmentOf(config: Config, name: string): EnvironmentConfig {
  const env = config.environments[name];
  if (!env) {
    throw new CodedError(
      'UNKNOWN_ENVIRONMENT',
      `There is no environment "${name}"${didYouMean(name, Object.keys(config.environments))}`,
    );
  }
  return env;
}

/** The guarded stage named (or the only one); '' for a deployment group. */
export function stageOf(env: EnvironmentConfig, stage?: string): string {
  if (env.target.kind !== 'stage') return '';
  const names = Object.keys(env.target.stages);
  if (!stage) {
    if (names.length === 1) return names[0]!;
    throw new CodedError(
      'STAGE_REQUIRED',
      `${env.name} guards several stages (${names.join(', ')}); name one.`,
    );
  }
  if (!names.includes(stage)) {
    throw new CodedError(
      'UNKNOWN_STAGE',
      `${env.name} does not guard a stage "${stage}"${didYouMean(stage, names)}`,
    );
  }
  return stage;
}

/** The standing key of the environment's stage or deployment group. */
export function placeOf(env: EnvironmentConfig, stage?: string): string {
  const t = env.target;
  return t.kind === 'stage'
    ? placeKey(env.region, { pipeline: t.pipeline, stage: stageOf(env, stage) })
    : placeKey(env.region, t);
}
