// HTTP JSON form of the control API, under /_sandbox/ (documented in ../README.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallFilter } from '../call-log.js';
import type { AwsSandboxControl } from '../control.js';
import type { ServiceName } from '../router-types.js';

type Body = Record<string, unknown>;
type Route = (body: Body, query: URLSearchParams) => unknown;

function str(body: Body, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new Error(`'${key}' is required (string)`);
  return v;
}

function optStr(body: Body, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' ? v : undefined;
}

function routes(control: AwsSandboxControl): Record<string, Route> {
  return {
    'POST /_sandbox/reset': async (b) => {
      await control.reset(b.world as Parameters<AwsSandboxControl['reset']>[0]);
      return { ok: true };
    },
    'POST /_sandbox/world': async (b) => {
      if (b.world === undefined) throw new Error("'world' is required (object or file path)");
      await control.loadWorld(b.world as Parameters<AwsSandboxControl['loadWorld']>[0]);
      return { ok: true };
    },
    'POST /_sandbox/executions': (b) =>
      control.startExecution(
        str(b, 'pipelineName'),
        b as unknown as Parameters<AwsSandboxControl['startExecution']>[1],
      ),
    'POST /_sandbox/rollback-outcome': (b) => {
      control.setRollbackOutcome(
        str(b, 'pipelineName'),
        b.outcome as Parameters<AwsSandboxControl['setRollbackOutcome']>[1],
        optStr(b, 'region'),
      );
      return { ok: true };
    },
    'POST /_sandbox/rollback-transitions': (b) => {
      control.setRollbacksAtDisabledTransition(
        str(b, 'mode') as Parameters<AwsSandboxControl['setRollbacksAtDisabledTransition']>[0],
      );
      return { ok: true };
    },
    'GET /_sandbox/pipelines': () => ({ pipelines: control.pipelines() }),
    'POST /_sandbox/advance': (b) => {
      control.advance(Number(b.ms));
      return { now: control.now().toISOString() };
    },
    'POST /_sandbox/run-until-idle': () => {
      control.runUntilIdle();
      return { now: control.now().toISOString() };
    },
    'GET /_sandbox/time': () => ({ now: control.now().toISOString() }),
    'POST /_sandbox/time-mode': (b) => {
      control.setTimeMode(b as Parameters<AwsSandboxControl['setTimeMode']>[0]);
      return { ok: true };
    },
    'POST /_sandbox/alarms/state': (b) => {
      control.setAlarmState(
        str(b, 'name'),
        str(b, 'state') as Parameters<AwsSandboxControl['setAlarmState']>[1],
        optStr(b, 'reason') ?? 'Set by the sandbox control API',
        optStr(b, 'region'),
      );
      return { ok: true };
    },
    'POST /_sandbox/deployments': (b) =>
      control.startDeployment(
        str(b, 'application'),
        str(b, 'group'),
        b as unknown as Parameters<AwsSandboxControl['startDeployment']>[2],
      ),
    'GET /_sandbox/calls': (_b, q) => {
      const filter: CallFilter = {};
      const service = q.get('service');
      const operation = q.get('operation');
      if (service) filter.service = service as ServiceName;
      if (operation) filter.operation = operation;
      return { calls: control.calls(filter) };
    },
    'DELETE /_sandbox/calls': () => {
      control.clearCalls();
      return { ok: true };
    },
    'POST /_sandbox/faults': (b) => {
      control.injectFault(
        str(b, 'operation'),
        b as Parameters<AwsSandboxControl['injectFault']>[1],
      );
      return { ok: true };
    },
    'DELETE /_sandbox/faults': () => {
      control.clearFaults();
      return { ok: true };
    },
    'POST /_sandbox/subscribers': (b) =>
      control.subscribe(str(b, 'url'), b as Parameters<AwsSandboxControl['subscribe']>[1]),
    'DELETE /_sandbox/subscribers': () => {
      control.unsubscribeAll();
      return { ok: true };
    },
    'GET /_sandbox/events': () => ({ events: control.events() }),
    'DELETE /_sandbox/events': () => {
      control.clearEvents();
      return { ok: true };
    },
    'POST /_sandbox/events/flush': async () => {
      await control.flushEvents();
      return { ok: true };
    },
  };
}

export async function handleControlRequest(
  control: AwsSandboxControl,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  if (req.method === 'GET' && url.pathname === '/_sandbox/sns/cert.pem') {
    res.writeHead(200, { 'content-type': 'application/x-pem-file' });
    res.end(control.snsSigningCertPem());
    return;
  }
  if (req.method === 'GET' && url.pathname === '/_sandbox/sns/public-key.pem') {
    res.writeHead(200, { 'content-type': 'application/x-pem-file' });
    res.end(control.snsSigningPublicKeyPem());
    return;
  }
  const table = routes(control);
  if (req.method === 'GET' && url.pathname === '/_sandbox/') {
    writeJson(res, 200, controlIndex(table));
    return;
  }
  const route = table[`${req.method} ${url.pathname}`];
  if (!route) {
    writeJson(res, 404, {
      error: `no control route ${req.method} ${url.pathname}; GET /_sandbox/ lists them`,
    });
    return;
  }
  try {
    const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('body must be a JSON object');
    writeJson(res, 200, (await route(parsed as Body, url.searchParams)) ?? { ok: true });
  } catch (err) {
    const e = err as Error;
    writeJson(res, 400, {
      error: e.message,
      ...(e.name && e.name !== 'Error' ? { type: e.name } : {}),
    });
  }
}

/** GET /_sandbox/: every control route, by path, and where they are described. */
function controlIndex(table: Record<string, Route>): { routes: string[]; docs: string } {
  const all = [...Object.keys(table), ...PEM_ROUTES];
  const path = (r: string) => r.slice(r.indexOf(' ') + 1);
  return {
    routes: all.sort((a, b) => path(a).localeCompare(path(b)) || a.localeCompare(b)),
    docs: 'src/sandbox/aws/README.md ("Control API")',
  };
}

const PEM_ROUTES = ['GET /_sandbox/sns/cert.pem', 'GET /_sandbox/sns/public-key.pem'];

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
