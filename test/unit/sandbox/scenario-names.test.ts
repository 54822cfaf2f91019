// The page's scenario controls offer what the world holds (npm run sandbox once offered nothing,
// and "Deploy that fails" answered "'pipelineName' is required"); with the bot's configuration,
// each pipeline's own alarms come first, and every name carries the region it lives in.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { scenarioNames } from '../../../src/sandbox/scenario-names.js';

const demo = new URL('../../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const sandboxConfig = new URL('../../../src/sandbox/sandbox.config.yml', import.meta.url);

describe('scenarioNames', () => {
  it("offers the demo world's pipeline and its alarms, the prod alarm first", async () => {
    const names = await scenarioNames(demo);
    expect(names.pipelines).toEqual(['web-app']);
    expect(names.alarms?.[0]).toBe('web-prod-5xx');
    expect(names.alarms).toEqual(expect.arrayContaining(['web-prod-latency-p99', 'prod-sev1']));
    // "Deploy that fails" fails the pipeline's last stage; an alarm outside us-east-1 says where.
    expect(names.pipelineDetails).toEqual({ 'web-app': { failStage: 'Deploy' } });
    expect(names.alarmRegions).toEqual({ 'billing-eu-5xx': 'eu-west-1' });
  });

  it("pairs a pipeline with the alarms of the environments it deploys (the sandbox's config)", async () => {
    const config = parseConfig(await readFile(sandboxConfig, 'utf8'), 'sandbox', 'us-east-1');
    const names = await scenarioNames(demo, config);
    // prod-us deploys web-app: its alarms, then its blocking alarm; billing-eu-5xx is prod-eu's
    // (a CodeDeploy group), so it is not web-app's.
    expect(names.pipelineDetails?.['web-app']).toEqual({
      failStage: 'Deploy',
      alarms: ['web-prod-5xx', 'web-prod-latency-p99', 'prod-sev1'],
    });
  });
});
