// A CloudFormation rule that refuses a deploy in the wrong region: a stack whose event rules name
// one region's events would deploy fine anywhere else, and match nothing there.
import { Aws, CfnRule, Fn, type Stack } from 'aws-cdk-lib';

export function deployOnlyIn(stack: Stack, region: string, what: string): void {
  new CfnRule(stack, 'InRegion', {
    assertions: [
      {
        assert: Fn.conditionEquals(Aws.REGION, region),
        assertDescription: `Deploy this stack in ${region}: ${what}.`,
      },
    ],
  });
}
