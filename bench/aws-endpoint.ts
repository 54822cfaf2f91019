// Child process: the local AWS endpoint (real-time, short stages) behind a thin timing proxy.
// The sandbox's call log stamps calls in simulated time, which moves in 100 ms ticks; the proxy
// stamps each AWS call with the wall clock (sub-millisecond) the moment it reaches the endpoint,
// and serves those stamps at GET /_bench/calls. Everything else is passed through unchanged.
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startAwsSandbox } from '../src/sandbox/aws/index.js';
import { announceReady, exitWithParent } from './procs.js';

interface Stamp {
  operation: string;
  pipelineName?: string;
  executionId?: string;
  at: number;
}

const PIPELINE_BY_NAME = new Set(['GetPipeline', 'GetPipelineState', 'UpdatePipeline']);

const { values } = parseArgs({
  options: { world: { type: 'string' }, 'stage-ms': { type: 'string', default: '50' } },
});
const sandbox = await startAwsSandbox({
  ...(values.world ? { world: values.world } : {}),
  time: { mode: 'realtime', stageDurationMs: Number(values['stage-ms']) },
});
const upstream = new URL(sandbox.url);
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
let stamps: Stamp[] = [];
const wallNow = () => performance.timeOrigin + performance.now();

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const server = createServer((req, res) => {
  const at = wallNow();
  const target = req.headers['x-amz-target'];
  if (req.url?.startsWith('/_bench/calls')) {
    if (req.method === 'DELETE') stamps = [];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.method === 'DELETE' ? '{}' : JSON.stringify(stamps));
    return;
  }
  readBody(req)
    .then((body) => {
      if (typeof target === 'string') {
        const stamp: Stamp = { operation: target.split('.').pop() ?? target, at };
        try {
          const input = JSON.parse(body.toString() || '{}') as {
            pipelineName?: unknown;
            name?: unknown;
            pipelineExecutionId?: unknown;
            filter?: { pipelineExecutionId?: unknown };
          };
          // Most CodePipeline operations name the pipeline `pipelineName`; GetPipeline,
          // GetPipelineState (and UpdatePipeline) call it `name`.
          const pipeline =
            input.pipelineName ?? (PIPELINE_BY_NAME.has(stamp.operation) ? input.name : undefined);
          if (typeof pipeline === 'string') stamp.pipelineName = pipeline;
          // Which execution a read is about (GetPipelineExecution, ListActionExecutions).
          const execution = input.pipelineExecutionId ?? input.filter?.pipelineExecutionId;
          if (typeof execution === 'string') stamp.executionId = execution;
        } catch {
          // not JSON: the sandbox answers SerializationException; the stamp stays bare
        }
        stamps.push(stamp);
      }
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(err));
      });
      out.end(body);
    })
    .catch(() => res.destroy());
});
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

exitWithParent(async () => {
  server.closeAllConnections();
  server.close();
  await sandbox.close();
});
announceReady({ url: `http://127.0.0.1:${port}`, sandboxUrl: sandbox.url });
