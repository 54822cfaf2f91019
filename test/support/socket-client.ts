// A plain ws client for the local Slack's Socket Mode: queues every frame and hands them out in
// order, as a test reads them (the bot's own client is Bolt's; this one is the test's probe).
import { once } from 'node:events';
import { WebSocket } from 'ws';

export interface Frame {
  type?: string;
  envelope_id?: string;
  retry_attempt?: number;
  retry_reason?: string;
  payload?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface SocketClient {
  ws: WebSocket;
  /** The next frame, in arrival order (waits for one). */
  next(): Promise<Frame>;
  send(message: unknown): void;
}

/** Opens `url` (a ws:// URL from apps.connections.open); `opened` collects it for clean-up. */
export async function openSocket(url: string, opened: WebSocket[]): Promise<SocketClient> {
  const ws = new WebSocket(url);
  opened.push(ws);
  const frames: Frame[] = [];
  const waiters: ((frame: Frame) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  await once(ws, 'open');
  const next = () =>
    new Promise<Frame>((resolve) => {
      const frame = frames.shift();
      if (frame) resolve(frame);
      else waiters.push(resolve);
    });
  return { ws, next, send: (message) => ws.send(JSON.stringify(message)) };
}
