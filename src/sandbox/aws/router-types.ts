/** One AWS operation: gets the request region and the parsed JSON input, returns the output. */
export type OperationHandler = (region: string, input: Record<string, unknown>) => object;
export type OperationTable = Record<string, OperationHandler>;

export type ServiceName = 'codepipeline' | 'codedeploy' | 'cloudwatch';
