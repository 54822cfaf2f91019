// What the workspace page's scenario controls offer: the world's pipelines and alarms, the first of
// each preselected; with the bot's configuration, each pipeline's own alarms (those of the
// environments it deploys to) offered first. One function for `npm run sandbox` and the test
// harness alike.
import type { Config } from '../config/config.js';
import { DEFAULT_REGION } from './aws/context.js';
import { resolveWorld } from './aws/world/load-world.js';
import type { World } from './aws/world/schema.js';
import type { ScenarioNames } from './slack/index.js';

type PipelineDetails = NonNullable<ScenarioNames['pipelineDetails']>[string];

/** The alarms (alarms, then blockOnAlarms) of the environments that deploy with this pipeline. */
function alarmsOfPipeline(config: Config, pipeline: string, region: string): string[] {
  const names = Object.values(config.environments)
    .filter((e) => e.target.kind === 'stage' && e.target.pipeline === pipeline)
    .filter((e) => e.region === region)
    .flatMap((e) => [...e.alarms, ...e.blockOnAlarms]);
  return [...new Set(names)];
}

export async function scenarioNames(
  world: World | string | undefined,
  config?: Config,
): Promise<ScenarioNames> {
  const w = await resolveWorld(world);
  const alarmNames = w.alarms.map((a) => a.name);
  const pipelineDetails: Record<string, PipelineDetails> = {};
  for (const p of w.pipelines) {
    const own = config
      ? alarmsOfPipeline(config, p.name, p.region).filter((a) => alarmNames.includes(a))
      : [];
    const lastStage = p.stages[p.stages.length - 1]?.name;
    pipelineDetails[p.name] = {
      ...(p.region !== DEFAULT_REGION ? { region: p.region } : {}),
      ...(lastStage ? { failStage: lastStage } : {}),
      ...(own.length > 0 ? { alarms: own } : {}),
    };
  }
  const alarmRegions = Object.fromEntries(
    w.alarms.filter((a) => a.region !== DEFAULT_REGION).map((a) => [a.name, a.region]),
  );
  return {
    pipelines: w.pipelines.map((p) => p.name),
    alarms: alarmNames,
    pipelineDetails,
    alarmRegions,
  };
}
