// A stand-in bot for Local Slack tests: records every signed request and answers with `answer`.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  headers: IncomingHttpHeaders;
  body: string;
  /** Decoded form fields; `payload` is parsed when present. */
  form: Record<string, string>;
  payload?: Record<string, unknown>;
}

export interface RecordingBot {
  url: string;
  requests: Recorded[];
  answer: (
    request: Recorded,
  ) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>;
  close(): Promise<void>;
}

export async function startRecordingBot(): Promise<RecordingBot> {
  const bot: RecordingBot = {
    url: '',
    requests: [],
    answer: () => ({}),
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const form = Object.fromEntries(new URLSearchParams(body));
    const recorded: Recorded = { headers: req.headers, body, form };
    if (form.payload) recorded.payload = JSON.parse(form.payload) as Record<string, unknown>;
    bot.requests.push(recorded);
    const answer = await bot.answer(recorded);
    if (answer.body === undefined) {
      res.writeHead(answer.status ?? 200);
      res.end();
    } else if (typeof answer.body === 'string') {
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' });
      res.end(answer.body);
    } else {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  bot.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  bot.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return bot;
}
