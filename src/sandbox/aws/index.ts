// Local AWS endpoint (CodePipeline, CodeDeploy, CloudWatch) for the unchanged SDK clients.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AwsSandboxControl, createControl } from './control.js';
import { handleAwsRequest } from './http/aws-router.js';
import { handleControlRequest } from './http/control-routes.js';
import { SandboxState, type TimeMode } from './state.js';
import { resolveWorld } from './world/load-world.js';
import type { World } from './world/schema.js';

export type { CallFilter, RecordedCall } from './call-log.js';
export type {
  AwsSandboxControl,
  StartDeploymentRequest,
  StartExecutionRequest,
} from './control.js';
export type { AwsEvent, SubscribeOptions } from './events/emitter.js';
export { type SnsNotification, stringToSign as snsStringToSign } from './events/sns.js';
export type { FaultSpec } from './faults.js';
export type {
  ExecutionOutcome,
  Revision,
  RollbacksAtDisabledTransition,
} from './pipelines/model.js';
export type {
  PipelineView,
  ReleaseView,
  StageView,
  TransitionView,
  WaitingView,
} from './pipelines/overview.js';
export type { TimeMode } from './state.js';
export { loadWorldFile, parseWorld } from './world/load-world.js';
export type { World } from './world/schema.js';

export interface AwsSandboxOptions {
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Host to listen on; default 127.0.0.1. */
  host?: string;
  /** A world object or a YAML/JSON world file; default the empty world. */
  world?: World | string;
  /** Simulated time mode; default manual (time moves only with `advance`). */
  time?: TimeMode;
}

export interface AwsSandbox {
  /** e.g. http://127.0.0.1:43210 — use as AWS_ENDPOINT_URL or a client's `endpoint`. */
  url: string;
  control: AwsSandboxControl;
  close(): Promise<void>;
}

export async function startAwsSandbox(opts: AwsSandboxOptions = {}): Promise<AwsSandbox> {
  const state = new SandboxState();
  state.load(await resolveWorld(opts.world));
  const control = createControl(state, () => opts.world);
  if (opts.time) state.setTimeMode(opts.time);

  const server = createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: String(err) }));
    });
  });
  // Idle keep-alive connections stay open as the real service's do (Node's default closes them
  // after 5 s, and a client reusing one at that moment gets ECONNRESET).
  server.keepAliveTimeout = 65_000;
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if ((req.url ?? '').startsWith('/_sandbox/')) {
      await handleControlRequest(control, req, res, body);
      return;
    }
    await handleAwsRequest(state, req, res, body);
  }

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    control,
    async close() {
      state.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
