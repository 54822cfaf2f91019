// The ARN each operation is authorised on, as IAM's service authorization reference lists it:
// a denial's next step must name the resource a person has to grant, not a neighbour of it.
import { describe, expect, it } from 'vitest';
import { iamAction, resourceArns } from '../../../src/aws/aws-permissions.js';

const ACCOUNT = '111122223333';
const account = { region: 'eu-west-1', roleArn: `arn:aws:iam::${ACCOUNT}:role/rollback-bot` };
const stage = { account, pipeline: 'web-app', stage: 'Deploy' };
const PIPELINE = `arn:aws:codepipeline:eu-west-1:${ACCOUNT}:web-app`;

describe('resourceArns', () => {
  it.each(['DisableStageTransition', 'EnableStageTransition'])(
    '%s is authorised on the stage ARN (<pipeline>/<stage>)',
    (op) => {
      expect(resourceArns(op, stage)).toEqual([`${PIPELINE}/Deploy`]);
      expect(iamAction(op)).toBe(`codepipeline:${op}`);
    },
  );

  it.each([
    'RollbackStage',
    'GetPipelineState',
    'GetPipeline',
    'GetPipelineExecution',
    'ListPipelineExecutions',
    'ListActionExecutions',
    'StopPipelineExecution',
  ])('%s is authorised on the pipeline ARN, even when a stage is named', (op) => {
    expect(resourceArns(op, stage)).toEqual([PIPELINE]);
  });

  it('a transition call with no stage known names the pipeline rather than nothing', () => {
    expect(resourceArns('DisableStageTransition', { account, pipeline: 'web-app' })).toEqual([
      PIPELINE,
    ]);
  });

  it('the account placeholder stands in when the bot runs in its own account', () => {
    expect(
      resourceArns('EnableStageTransition', { ...stage, account: { region: 'us-east-1' } }),
    ).toEqual(['arn:aws:codepipeline:us-east-1:<account>:web-app/Deploy']);
  });

  it('CodeDeploy and CloudWatch keep their own ARNs', () => {
    expect(
      resourceArns('CreateDeployment', {
        account,
        application: 'billing',
        deploymentGroup: 'prod',
      }),
    ).toEqual([`arn:aws:codedeploy:eu-west-1:${ACCOUNT}:deploymentgroup:billing/prod`]);
    expect(resourceArns('DescribeAlarms', { account, alarms: ['a', 'b'] })).toEqual([
      `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:a`,
      `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:b`,
    ]);
  });
});
