// trigger_ids as Slack issues them with every command and interaction: valid for 3 seconds,
// exchangeable once (views.open or views.push).
import { randomBytes } from 'node:crypto';

export const TRIGGER_TTL_MS = 3000;

export type TriggerCheck =
  | { ok: true; user: string }
  | { ok: false; error: 'invalid_trigger_id' | 'expired_trigger_id' | 'exchanged_trigger_id' };

interface Trigger {
  user: string;
  issuedAt: number;
  used: boolean;
}

export class TriggerIds {
  private readonly triggers = new Map<string, Trigger>();
  private counter = 0;

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = TRIGGER_TTL_MS,
  ) {}

  issue(user: string): string {
    this.counter += 1;
    const id = `${Math.floor(this.now() / 1000)}${this.counter}.${this.counter}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { user, issuedAt: this.now(), used: false });
    return id;
  }

  exchange(id: unknown): TriggerCheck {
    const trigger = typeof id === 'string' ? this.triggers.get(id) : undefined;
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.now() - trigger.issuedAt > this.ttlMs)
      return { ok: false, error: 'expired_trigger_id' };
    trigger.used = true;
    return { ok: true, user: trigger.user };
  }
}
