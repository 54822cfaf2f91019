// The AWS JSON wire: which service and operation a request is for, its region, how answers
// and errors are written (timestamps as epoch seconds, `__type` errors, CloudWatch query codes).

import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { DEFAULT_REGION } from '../context.js';
import type { AwsError } from '../errors.js';
import type { ServiceName } from '../router-types.js';

const TARGET_PREFIXES: Record<string, ServiceName> = {
  CodePipeline_20150709: 'codepipeline',
  CodeDeploy_20141006: 'codedeploy',
  GraniteServiceVersion20100801: 'cloudwatch',
};

export function parseTarget(target: string | undefined): {
  service?: ServiceName;
  operation: string;
} {
  const [prefix = '', operation = ''] = (target ?? '').split('.');
  const service = TARGET_PREFIXES[prefix];
  return service ? { service, operation } : { operation: target ?? '' };
}

/** Region from the SigV4 credential scope: `Credential=AKID/20261120/<region>/<service>/aws4_request`. */
export function regionOf(headers: IncomingHttpHeaders): string {
  const auth = headers.authorization ?? '';
  const m = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[a-z0-9-]+\/aws4_request/.exec(auth);
  return m?.[1] ?? DEFAULT_REGION;
}

/** Query-style codes the CloudWatch client maps back to its exception classes. */
const CLOUDWATCH_QUERY_CODES: Record<string, string> = {
  InvalidParameterValueException: 'InvalidParameterValue',
  InvalidParameterCombinationException: 'InvalidParameterCombination',
  MissingRequiredParameterException: 'MissingParameter',
  ResourceNotFound: 'ResourceNotFound',
  ResourceNotFoundException: 'ResourceNotFoundException',
  InvalidNextToken: 'InvalidNextToken',
  LimitExceededFault: 'LimitExceeded',
  InternalServiceFault: 'InternalServiceError',
};

/** JSON with Dates as epoch seconds, as AWS JSON 1.0/1.1 writes timestamps. */
export function toAwsJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    return v;
  });
}

function contentType(service: ServiceName | undefined): string {
  return service === 'cloudwatch' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
}

export function writeResult(res: ServerResponse, service: ServiceName, body: object): void {
  const text = toAwsJson(body);
  res.writeHead(200, {
    'content-type': contentType(service),
    'x-amzn-requestid': randomUUID(),
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function writeError(
  res: ServerResponse,
  service: ServiceName | undefined,
  err: AwsError,
): void {
  const text = JSON.stringify({ __type: err.type, message: err.message });
  const headers: Record<string, string | number> = {
    'content-type': contentType(service),
    'x-amzn-requestid': randomUUID(),
    'content-length': Buffer.byteLength(text),
  };
  if (service === 'cloudwatch') {
    const code = err.queryCode ?? CLOUDWATCH_QUERY_CODES[err.type] ?? err.type;
    headers['x-amzn-query-error'] = `${code};${err.status >= 500 ? 'Receiver' : 'Sender'}`;
  }
  res.writeHead(err.status, headers);
  res.end(text);
}
