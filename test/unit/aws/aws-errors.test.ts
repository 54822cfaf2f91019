// Every exception each AWS operation the bot calls can throw, classified as the SDK raises it.
// The operations' exception lists are read from the SDK's own command files (their @throws doc
// comments), so an exception added by an SDK update fails the coverage test until it is mapped.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as codedeploy from '@aws-sdk/client-codedeploy';
import * as codepipeline from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { AssumeRoleError } from '../../../src/aws/aws-clients.js';
import { type AwsResource, toAwsCallError } from '../../../src/aws/aws-errors.js';
import type { ErrorCode } from '../../../src/domain/errors.js';

const require = createRequire(import.meta.url);

const OPERATIONS = {
  codepipeline: [
    'GetPipeline',
    'GetPipelineExecution',
    'GetPipelineState',
    'ListActionExecutions',
    'ListPipelineExecutions',
    'RollbackStage',
    'DisableStageTransition',
    'EnableStageTransition',
  ],
  codedeploy: [
    'BatchGetDeployments',
    'CreateDeployment',
    'GetDeployment',
    'GetDeploymentGroup',
    'ListDeployments',
    'StopDeployment',
  ],
  cloudwatch: ['DescribeAlarms'],
} as const;
type Service = keyof typeof OPERATIONS;

/** The exceptions the SDK's command file documents for `operation` (without the base class). */
function documentedExceptions(service: Service, operation: string): string[] {
  const pkg = path.dirname(require.resolve(`@aws-sdk/client-${service}/package.json`));
  const file = path.join(pkg, 'dist-types', 'commands', `${operation}Command.d.ts`);
  const names = [...readFileSync(file, 'utf8').matchAll(/@throws \{@link (\w+)\}/g)].map(
    (m) => m[1]!,
  );
  return names.filter((n) => !n.endsWith('ServiceException'));
}

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/rollback-bot-prod`;
const PIPELINE_ARN = `arn:aws:codepipeline:us-east-1:${ACCOUNT}:web-app`;
const STAGE_ARN = `${PIPELINE_ARN}/Deploy`;
const on: Record<Service, AwsResource> = {
  codepipeline: {
    account: { region: 'us-east-1', roleArn: ROLE },
    pipeline: 'web-app',
    stage: 'Deploy',
  },
  codedeploy: {
    account: { region: 'eu-west-1', roleArn: ROLE },
    application: 'billing-api',
    deploymentGroup: 'prod',
  },
  cloudwatch: { account: { region: 'us-east-1', roleArn: ROLE }, alarms: ['web-app-5xx'] },
};

/** What AWS answers, in its own words (messages as AWS sends them, naming ARNs and actions). */
const SAID: Record<string, string> = {
  ValidationException: `1 validation error detected: Value 'not-a-uuid' at 'targetPipelineExecutionId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} (pipeline ${PIPELINE_ARN})`,
  PipelineNotFoundException: `Account '${ACCOUNT}' does not have a pipeline with name 'web-app'`,
  StageNotFoundException: `Stage 'Deploy' not found in pipeline ${PIPELINE_ARN}`,
  PipelineExecutionNotFoundException: `Pipeline execution with id 'b0f4c1a2-0000-4000-8000-000000000000' not found in pipeline ${PIPELINE_ARN}`,
  ConflictException: `Pipeline ${PIPELINE_ARN} is busy: a rollback of stage Deploy is in progress`,
  UnableToRollbackStageException: `Unable to rollback stage Deploy of pipeline ${PIPELINE_ARN}: target pipeline execution has not succeeded in the stage`,
  PipelineExecutionOutdatedException: `The target pipeline execution ran on pipeline version 6 of ${PIPELINE_ARN}; the current version is 7`,
};
const said = (name: string) => SAID[name] ?? `${name}: refused by AWS for ${PIPELINE_ARN}`;

type Expected = { kind: 'retryable' | 'unrecoverable'; code: ErrorCode };
const REFUSED = (code: ErrorCode): Expected => ({ kind: 'unrecoverable', code });

/** The expected class of every documented exception, by name. */
const EXPECTED: Record<string, Expected> = {
  // CodePipeline
  PipelineNotFoundException: REFUSED('AWS_NOT_FOUND'),
  PipelineVersionNotFoundException: REFUSED('AWS_NOT_FOUND'),
  StageNotFoundException: REFUSED('AWS_NOT_FOUND'),
  PipelineExecutionNotFoundException: REFUSED('AWS_NOT_FOUND'),
  ValidationException: REFUSED('AWS_VALIDATION'),
  InvalidNextTokenException: REFUSED('AWS_VALIDATION'),
  ConflictException: REFUSED('AWS_CONFLICT'),
  PipelineExecutionOutdatedException: REFUSED('AWS_OUTDATED'),
  UnableToRollbackStageException: REFUSED('AWS_UNABLE_TO_ROLLBACK'),
  // CodeDeploy
  BatchLimitExceededException: REFUSED('AWS_VALIDATION'),
  DeploymentIdRequiredException: REFUSED('AWS_VALIDATION'),
  InvalidDeploymentIdException: REFUSED('AWS_NOT_FOUND'),
  AlarmsLimitExceededException: REFUSED('AWS_VALIDATION'),
  ApplicationDoesNotExistException: REFUSED('AWS_NOT_FOUND'),
  ApplicationNameRequiredException: REFUSED('AWS_VALIDATION'),
  DeploymentConfigDoesNotExistException: REFUSED('AWS_NOT_FOUND'),
  DeploymentGroupDoesNotExistException: REFUSED('AWS_NOT_FOUND'),
  DeploymentGroupNameRequiredException: REFUSED('AWS_VALIDATION'),
  DeploymentLimitExceededException: REFUSED('AWS_DEPLOYMENT_LIMIT'),
  DescriptionTooLongException: REFUSED('AWS_VALIDATION'),
  InvalidAlarmConfigException: REFUSED('AWS_VALIDATION'),
  InvalidApplicationNameException: REFUSED('AWS_VALIDATION'),
  InvalidAutoRollbackConfigException: REFUSED('AWS_VALIDATION'),
  InvalidAutoScalingGroupException: REFUSED('AWS_VALIDATION'),
  InvalidComputePlatformException: REFUSED('AWS_VALIDATION'),
  InvalidDeploymentConfigNameException: REFUSED('AWS_VALIDATION'),
  InvalidDeploymentGroupNameException: REFUSED('AWS_VALIDATION'),
  InvalidECSServiceException: REFUSED('AWS_VALIDATION'),
  InvalidFileExistsBehaviorException: REFUSED('AWS_VALIDATION'),
  InvalidGitHubAccountTokenException: REFUSED('AWS_VALIDATION'),
  InvalidIgnoreApplicationStopFailuresValueException: REFUSED('AWS_VALIDATION'),
  InvalidInputException: REFUSED('AWS_VALIDATION'),
  InvalidLoadBalancerInfoException: REFUSED('AWS_VALIDATION'),
  InvalidRevisionException: REFUSED('AWS_VALIDATION'),
  InvalidRoleException: REFUSED('AWS_VALIDATION'),
  InvalidTargetInstancesException: REFUSED('AWS_VALIDATION'),
  InvalidTrafficRoutingConfigurationException: REFUSED('AWS_VALIDATION'),
  InvalidUpdateOutdatedInstancesOnlyValueException: REFUSED('AWS_VALIDATION'),
  RevisionDoesNotExistException: REFUSED('AWS_NOT_FOUND'),
  RevisionRequiredException: REFUSED('AWS_VALIDATION'),
  ThrottlingException: { kind: 'retryable', code: 'AWS_THROTTLED' },
  DeploymentDoesNotExistException: REFUSED('AWS_NOT_FOUND'),
  InvalidDeploymentStatusException: REFUSED('AWS_VALIDATION'),
  InvalidExternalIdException: REFUSED('AWS_VALIDATION'),
  InvalidTimeRangeException: REFUSED('AWS_VALIDATION'),
  DeploymentAlreadyCompletedException: REFUSED('AWS_CONFLICT'),
  UnsupportedActionForDeploymentTypeException: REFUSED('AWS_REFUSED'),
  // CloudWatch
  InvalidNextToken: REFUSED('AWS_VALIDATION'),
};

const MODULES: Record<Service, Record<string, unknown>> = { codepipeline, codedeploy, cloudwatch };

/** The exception as the SDK raises it: its modelled class, HTTP 400, client fault. */
function modelled(service: Service, name: string): Error {
  const Cls = MODULES[service][name] as new (o: object) => Error;
  expect(Cls, `${name} is exported by @aws-sdk/client-${service}`).toBeTypeOf('function');
  return new Cls({ message: said(name), $metadata: { httpStatusCode: 400, attempts: 1 } });
}

/** An exception the model does not list (AccessDenied, Throttling…), as the SDK raises those. */
function unmodelled(
  service: Service,
  name: string,
  message: string,
  status = 400,
  fault: 'client' | 'server' = status >= 500 ? 'server' : 'client',
): Error {
  const Base = {
    codepipeline: codepipeline.CodePipelineServiceException,
    codedeploy: codedeploy.CodeDeployServiceException,
    cloudwatch: cloudwatch.CloudWatchServiceException,
  }[service];
  return new Base({ name, $fault: fault, message, $metadata: { httpStatusCode: status } });
}

function network(code: string): Error {
  return Object.assign(new Error(`connect ${code} 52.94.0.1:443`), {
    code,
    $metadata: { attempts: 1, totalRetryDelay: 0 },
  });
}

const cases = (Object.keys(OPERATIONS) as Service[]).flatMap((service) =>
  OPERATIONS[service].flatMap((op) =>
    documentedExceptions(service, op).map((name) => ({ service, op, name })),
  ),
);

describe('AWS error classification: every documented exception of every operation we call', () => {
  it('reads a non-empty exception list from the SDK for each operation', () => {
    for (const service of Object.keys(OPERATIONS) as Service[]) {
      for (const op of OPERATIONS[service]) {
        expect(documentedExceptions(service, op).length, `${service} ${op}`).toBeGreaterThan(0);
      }
    }
  });

  it('has an expected class for each of them', () => {
    const missing = [...new Set(cases.map((c) => c.name))].filter((n) => !(n in EXPECTED));
    expect(missing).toEqual([]);
  });

  it.each(cases)('$service $op: $name', ({ service, op, name }) => {
    const err = toAwsCallError(modelled(service, name), op, on[service]);
    expect({ kind: err.kind, code: err.code }).toEqual(EXPECTED[name]);
    expect(err.awsName).toBe(name);
    expect(err.operation).toBe(op);
    if (err.kind === 'unrecoverable') expect(err.nextStep.length).toBeGreaterThan(20);
    expect(err.message).toContain(said(name).slice(0, 40));
  });
});

describe('errors the model does not list', () => {
  const denial = (action: string, arn: string) =>
    `User: arn:aws:sts::${ACCOUNT}:assumed-role/rollback-bot-prod/rollback-bot is not authorized to perform: ${action} on resource: ${arn} because no identity-based policy allows the ${action} action`;

  it.each([
    ['codepipeline', 'RollbackStage', 'codepipeline:RollbackStage', PIPELINE_ARN],
    ['codepipeline', 'GetPipelineState', 'codepipeline:GetPipelineState', PIPELINE_ARN],
    ['codepipeline', 'DisableStageTransition', 'codepipeline:DisableStageTransition', STAGE_ARN],
    [
      'codedeploy',
      'CreateDeployment',
      'codedeploy:CreateDeployment',
      `arn:aws:codedeploy:eu-west-1:${ACCOUNT}:deploymentgroup:billing-api/prod`,
    ],
    [
      'cloudwatch',
      'DescribeAlarms',
      'cloudwatch:DescribeAlarms',
      `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:web-app-5xx`,
    ],
  ] as const)(
    'an IAM denial of %s %s is a refusal naming %s and %s',
    (service, op, action, arn) => {
      for (const name of ['AccessDeniedException', 'AccessDenied']) {
        const err = toAwsCallError(unmodelled(service, name, denial(action, arn)), op, on[service]);
        expect(err.kind).toBe('unrecoverable');
        expect(err.code).toBe('AWS_ACCESS_DENIED');
        expect(err.nextStep).toContain(`Allow ${action} on ${arn}`);
        expect(err.what).toContain(ROLE);
        expect(err.message).toContain('is not authorized to perform');
      }
    },
  );

  it('never reads network failures out of words: "codepipeline" contains "epipe"', () => {
    const err = toAwsCallError(
      unmodelled(
        'codepipeline',
        'ValidationException',
        `Invalid ARN ${PIPELINE_ARN} (EPIPE ECONNRESET)`,
      ),
      'RollbackStage',
      on.codepipeline,
    );
    expect(err.kind).toBe('unrecoverable');
    expect(err.code).toBe('AWS_VALIDATION');
  });

  it('names the rejected input of a validation error and what to do about it', () => {
    const err = toAwsCallError(
      modelled('codepipeline', 'ValidationException'),
      'RollbackStage',
      on.codepipeline,
    );
    expect(err.what).toContain('targetPipelineExecutionId');
    expect(err.nextStep).toMatch(/Choose another release/);
  });

  it.each([
    ['ThrottlingException', 400, 'AWS_THROTTLED'],
    ['Throttling', 400, 'AWS_THROTTLED'],
    ['TooManyRequestsException', 429, 'AWS_THROTTLED'],
    ['SomethingNew', 429, 'AWS_THROTTLED'],
    ['InternalFailure', 500, 'AWS_UNAVAILABLE'],
    ['ServiceUnavailableException', 503, 'AWS_UNAVAILABLE'],
    ['InternalServiceFault', 500, 'AWS_UNAVAILABLE'],
  ] as const)('%s (HTTP %i) is retried as %s', (name, status, code) => {
    const err = toAwsCallError(
      unmodelled('codepipeline', name, 'Rate exceeded', status),
      'RollbackStage',
      on.codepipeline,
    );
    expect({ kind: err.kind, code: err.code }).toEqual({ kind: 'retryable', code });
  });

  it('a server fault is retried whatever its name', () => {
    const err = toAwsCallError(
      unmodelled('codedeploy', 'WeirdException', 'oops', 400, 'server'),
      'CreateDeployment',
      on.codedeploy,
    );
    expect(err.kind).toBe('retryable');
  });

  it.each([
    'UnrecognizedClientException',
    'ExpiredTokenException',
    'InvalidSignatureException',
    'InvalidClientTokenId',
  ])('%s is a credentials refusal', (name) => {
    const err = toAwsCallError(
      unmodelled(
        'codepipeline',
        name,
        'The security token included in the request is invalid.',
        400,
      ),
      'GetPipelineState',
      on.codepipeline,
    );
    expect({ kind: err.kind, code: err.code }).toEqual({
      kind: 'unrecoverable',
      code: 'AWS_CREDENTIALS',
    });
  });

  it('an unknown client fault is a refusal, not an outage', () => {
    const err = toAwsCallError(
      unmodelled('codepipeline', 'BrandNewRefusalException', 'no', 400),
      'RollbackStage',
      on.codepipeline,
    );
    expect({ kind: err.kind, code: err.code }).toEqual({
      kind: 'unrecoverable',
      code: 'AWS_REFUSED',
    });
  });

  it('failing to assume the environment role says so, and names sts:AssumeRole', () => {
    const sts = Object.assign(
      new Error(
        `User: arn:aws:sts::999988887777:assumed-role/bot/x is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
      ),
      { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } },
    );
    const err = toAwsCallError(new AssumeRoleError(ROLE, sts), 'RollbackStage', on.codepipeline);
    expect(err.code).toBe('AWS_CREDENTIALS');
    expect(err.kind).toBe('unrecoverable');
    expect(err.nextStep).toContain(`sts:AssumeRole on ${ROLE}`);
    const down = toAwsCallError(
      new AssumeRoleError(ROLE, network('ECONNRESET')),
      'RollbackStage',
      on.codepipeline,
    );
    expect(down.kind).toBe('retryable');
  });
});

describe('network failures, known by Node error codes', () => {
  const codes = [
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
  ];

  it.each(codes)('%s on the error is an outage', (code) => {
    const err = toAwsCallError(network(code), 'RollbackStage', on.codepipeline);
    expect({ kind: err.kind, code: err.code }).toEqual({
      kind: 'retryable',
      code: 'AWS_UNAVAILABLE',
    });
    expect(err.what).toContain(code);
  });

  it.each(codes)('%s as the cause (two levels deep) is an outage', (code) => {
    const wrapped = new Error('request failed', {
      cause: new Error('socket error', { cause: network(code) }),
    });
    const err = toAwsCallError(wrapped, 'ListPipelineExecutions', on.codepipeline);
    expect({ kind: err.kind, code: err.code }).toEqual({
      kind: 'retryable',
      code: 'AWS_UNAVAILABLE',
    });
  });

  it("the SDK's own TimeoutError is an outage", () => {
    const err = toAwsCallError(
      Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }),
      'DescribeAlarms',
      on.cloudwatch,
    );
    expect(err.kind).toBe('retryable');
  });
});
