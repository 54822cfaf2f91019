// Serves AWS JSON requests: routes on x-amz-target, applies faults, records the call.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from '../errors.js';
import type { SandboxState } from '../state.js';
import { parseTarget, regionOf, writeError, writeResult } from './aws-protocol.js';

export async function handleAwsRequest(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
): Promise<void> {
  const target = req.headers['x-amz-target'];
  const { service, operation } = parseTarget(Array.isArray(target) ? target[0] : target);
  const region = regionOf(req.headers);
  if (!service) {
    writeError(
      res,
      undefined,
      new AwsError(
        'UnknownOperationException',
        `Unknown service target: '${String(target ?? '')}'`,
      ),
    );
    return;
  }
  let input: Record<string, unknown> = {};
  const record = (status: number, error?: string) =>
    state.calls.record({
      service,
      operation,
      region,
      input,
      time: state.clock.date().toISOString(),
      status,
      ...(error ? { error } : {}),
    });
  try {
    const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new SyntaxError('not an object');
    input = parsed as Record<string, unknown>;
  } catch {
    const err = new AwsError(
      'SerializationException',
      'Start of structure or map found where not expected.',
    );
    record(err.status, err.type);
    writeError(res, service, err);
    return;
  }
  const handler = state.operations[service][operation];
  if (!handler) {
    const err = new AwsError(
      'UnknownOperationException',
      `The sandbox does not implement ${service} operation '${operation}'`,
    );
    record(err.status, err.type);
    writeError(res, service, err);
    return;
  }
  const fault = state.faults.take(service, operation);
  if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.error) {
    record(fault.error.status, fault.error.type);
    writeError(res, service, fault.error);
    return;
  }
  try {
    const out = handler(region, input);
    record(200);
    writeResult(res, service, out);
  } catch (err) {
    const awsErr =
      err instanceof AwsError
        ? err
        : new AwsError(
            'InternalFailure',
            `sandbox error: ${err instanceof Error ? err.message : String(err)}`,
            500,
          );
    record(awsErr.status, awsErr.type);
    writeError(res, service, awsErr);
  }
}
