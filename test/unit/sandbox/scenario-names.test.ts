// The page's scenario controls offer what the world holds (npm run sandbox once offered nothing,
// and "Deploy that fails" answered "'pipelineName' is required").
import { describe, expect, it } from 'vitest';
import { scenarioNames } from '../../../src/sandbox/scenario-names.js';

const demo = new URL('../../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;

describe('scenarioNames', () => {
  it("offers the demo world's pipeline and its alarms, the prod alarm first", async () => {
    const names = await scenarioNames(demo);
    expect(names.pipelines).toEqual(['web-app']);
    expect(names.alarms?.[0]).toBe('web-prod-5xx');
    expect(names.alarms).toEqual(expect.arrayContaining(['web-prod-latency-p99', 'prod-sev1']));
  });
});
