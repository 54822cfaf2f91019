// After an automatic rollback succeeds, the environment's healthUrl (a local server on
// 127.0.0.1) is probed until it answers 200 — here 503 twice, then 200 — and the result is
// reported in the failure's thread. Only that URL is fetched; a redirect is not followed.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PROD_CHANNEL,
  type ReactionsHarness,
  reactionsConfig,
  startReactions,
  textOf,
} from './harness.js';

let h: ReactionsHarness | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const s of servers.splice(0)) s.close();
});

/** A health endpoint answering the given statuses in turn (the last one from then on). */
async function healthServer(statuses: number[], redirectTo?: string) {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const status = statuses[Math.min(paths.length - 1, statuses.length - 1)]!;
    res.writeHead(status, redirectTo && status === 302 ? { location: redirectTo } : {});
    res.end(status === 200 ? 'ok' : 'not yet');
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/healthz`, paths };
}

async function failAndRollBack(healthUrl: string) {
  const config = reactionsConfig();
  config.environments.prod!.healthUrl = healthUrl;
  h = await startReactions({ config, healthProbe: { attempts: 4, everyMs: 20, timeoutMs: 1_000 } });
  h.sandbox.control.startExecution('web-app', {
    revision: { id: 'ddddddd444444444444444444444444444444444', message: 'Break checkout' },
    outcome: { failStage: 'Deploy' },
  });
  h.sandbox.control.runUntilIdle();
  return h.slack.client.waitForMessage(PROD_CHANNEL, 'Stage failed: prod', { timeoutMs: 10_000 });
}

describe('health URL probe after a rollback', () => {
  it('probes until 200 (503 twice first) and reports it in the thread', async () => {
    const health = await healthServer([503, 503, 200]);
    const note = await failAndRollBack(health.url);
    const report = await h!.until('the health report in the thread', () =>
      h!.slack.client.thread(PROD_CHANNEL, note.ts).find((m) => textOf(m).includes('Health check')),
    );
    expect(textOf(report)).toContain('Health check passed');
    expect(textOf(report)).toContain('after 3 attempts');
    expect(health.paths).toEqual(['/healthz', '/healthz', '/healthz']);
    expect(h!.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
  });

  it('does not follow a redirect, and reports the failure after the last attempt', async () => {
    const elsewhere = await healthServer([200]);
    const health = await healthServer([302], `${elsewhere.url}?followed`);
    const note = await failAndRollBack(health.url);
    const report = await h!.until('the health report in the thread', () =>
      h!.slack.client.thread(PROD_CHANNEL, note.ts).find((m) => textOf(m).includes('Health check')),
    );
    expect(textOf(report)).toContain('Health check failed');
    expect(textOf(report)).toContain('HTTP 302');
    expect(health.paths).toHaveLength(4);
    expect(elsewhere.paths).toEqual([]);
  });
});
