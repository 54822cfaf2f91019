// CodePipeline answers in the bot's shapes: action output variables as the pipeline names them
// (the action's namespace when it has one), source actions left out; what started an execution.
import { describe, expect, it } from 'vitest';
import {
  toActionOutputVariables,
  toListedExecution,
  toPipelineDefinition,
} from '../../../src/aws/codepipeline-shapes.js';

describe('toActionOutputVariables', () => {
  it('keys variables by namespace, else by action name, and leaves source actions out', () => {
    const vars = toActionOutputVariables([
      {
        actionName: 'Source',
        input: { actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' } },
        output: { outputVariables: { CommitId: 'abc' } },
      },
      {
        actionName: 'Build',
        input: {
          namespace: 'BuildVariables',
          actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
        },
        output: { outputVariables: { ROLLBACK_UNSAFE: 'drops column users.nick' } },
      },
      {
        actionName: 'Package',
        input: {
          actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
        },
        output: { outputVariables: { DEPENDENCIES: 'pg@8.12.0' } },
      },
      { actionName: 'Approve', input: {}, output: {} },
    ]);
    expect(vars).toEqual({
      'BuildVariables.ROLLBACK_UNSAFE': 'drops column users.nick',
      'Package.DEPENDENCIES': 'pg@8.12.0',
    });
  });
});

describe('toListedExecution', () => {
  it('carries the trigger and the rollback target', () => {
    const at = new Date('2026-11-20T11:30:44Z');
    expect(
      toListedExecution({
        pipelineExecutionId: 'r1',
        status: 'Succeeded',
        startTime: at,
        executionType: 'ROLLBACK',
        trigger: { triggerType: 'AutomatedRollback', triggerDetail: 'e9' },
        rollbackMetadata: { rollbackTargetPipelineExecutionId: 'e1' },
      }),
    ).toEqual({
      executionId: 'r1',
      status: 'Succeeded',
      startTime: at,
      executionType: 'ROLLBACK',
      triggerType: 'AutomatedRollback',
      triggerDetail: 'e9',
      rollbackTargetExecutionId: 'e1',
      sourceRevisions: [],
    });
  });
});

describe('toPipelineDefinition', () => {
  it('names the stages that AWS rolls back on failure', () => {
    expect(
      toPipelineDefinition({
        name: 'web-app',
        roleArn: 'arn:aws:iam::111122223333:role/p',
        version: 7,
        stages: [
          { name: 'Build', actions: [] },
          { name: 'Deploy', actions: [], onFailure: { result: 'ROLLBACK' } },
        ],
      }),
    ).toEqual({ version: 7, stageNames: ['Build', 'Deploy'], rollbackOnFailure: ['Deploy'] });
  });
});
