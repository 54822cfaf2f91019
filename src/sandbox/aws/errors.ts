// A modelled AWS error: the router turns it into HTTP `{ "__type", "message" }` so the SDK
// client raises its typed exception (matched on the name).
export class AwsError extends Error {
  constructor(
    /** The SDK's modelled exception name, e.g. `UnableToRollbackStageException`. */
    readonly type: string,
    message: string,
    /** HTTP status; AWS JSON services answer 400 for client errors. */
    readonly status = 400,
    /** Query-style code for CloudWatch's `x-amzn-query-error` header (defaults to `type`). */
    readonly queryCode?: string,
  ) {
    super(message);
    this.name = type;
  }
}

export function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** Throws a ValidationException unless `value` is a non-empty string. */
export function requireString<T extends object>(
  input: Partial<T>,
  key: keyof T & string,
  errorType = 'ValidationException',
): string {
  const value: unknown = input[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new AwsError(
      errorType,
      `1 validation error detected: Value at '${key}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}
