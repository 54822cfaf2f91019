// What the workspace page's scenario controls offer: the world's pipelines and alarms, the first of
// each preselected. One function for `npm run sandbox` and the test harness alike.
import { resolveWorld } from './aws/world/load-world.js';
import type { World } from './aws/world/schema.js';
import type { ScenarioNames } from './slack/index.js';

export async function scenarioNames(world: World | string | undefined): Promise<ScenarioNames> {
  const w = await resolveWorld(world);
  return { pipelines: w.pipelines.map((p) => p.name), alarms: w.alarms.map((a) => a.name) };
}
