// Randomised stories: fast-check draws sequences of incident steps (model-based, fc.commands),
// runs each on a fresh bot, and checks the invariants of story-harness.ts after every step.
// Seeded; a failure prints its seed and the shrunk sequence.
//
//   CI:   a few sequences (STORY_RUNS, default 3)
//   long: STORY_RUNS=200 STORY_STEPS=12 npx vitest run test/stories/random-incidents.test.ts
//   one:  STORY_SEED=<seed> STORY_PATH=<path> npx vitest run test/stories/random-incidents.test.ts
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { type Model, type Story, startStory } from './story-harness.js';

type Real = { story: Story };

abstract class Step implements fc.AsyncCommand<Model, Real> {
  abstract name: string;
  abstract check(m: Readonly<Model>): boolean;
  abstract act(s: Story): Promise<unknown>;
  async run(_m: Model, r: Real): Promise<void> {
    await this.act(r.story);
    await r.story.checkInvariants(this.name);
  }
  toString(): string {
    return this.name;
  }
}

/** Deploys wait for their stage; a locked or frozen stage would hold them. */
const open = (m: Readonly<Model>) => !m.locked && !m.frozen;

class DeployOk extends Step {
  name = 'deploy ok';
  check = open;
  act = (s: Story) => s.deploy('ok');
}
class DeployFails extends Step {
  name = 'deploy fails';
  check = open;
  act = (s: Story) => s.deploy('fail');
}
class Alarm extends Step {
  name = 'alarm during bake';
  check = (m: Readonly<Model>) => m.baking && !m.alarm;
  act = (s: Story) => s.alarm();
}
class Clear extends Step {
  name = 'alarm clears';
  check = (m: Readonly<Model>) => m.alarm;
  act = (s: Story) => s.clearAlarm();
}
class Rollback extends Step {
  constructor(readonly approver: string) {
    super();
  }
  name = 'rollback';
  check = () => true;
  act = (s: Story) => s.rollback('prod-us', this.approver);
  override toString(): string {
    return `rollback (approved by ${this.approver})`;
  }
}
class Freeze extends Step {
  name = 'freeze';
  check = (m: Readonly<Model>) => !m.frozen;
  act = (s: Story) => s.freeze();
}
class Unfreeze extends Step {
  name = 'unfreeze';
  check = (m: Readonly<Model>) => m.frozen;
  act = (s: Story) => s.unfreeze();
}
class Unlock extends Step {
  name = 'unlock';
  check = (m: Readonly<Model>) => m.locked;
  act = (s: Story) => s.unlock();
}
class MarkBad extends Step {
  constructor(readonly pick: number) {
    super();
  }
  name = 'mark bad';
  check = () => true;
  act = (s: Story) => {
    const shas = [...s.model.releaseOf.keys()];
    return s.markBad(shas[this.pick % shas.length]!, 'a person says so');
  };
  override toString(): string {
    return `mark bad (#${this.pick})`;
  }
}

const steps = [
  fc.constant(new DeployOk()),
  fc.constant(new DeployFails()),
  fc.constant(new Alarm()),
  fc.constant(new Clear()),
  fc.constantFrom('U0MANAGER', 'U0RELEASE').map((u) => new Rollback(u)),
  fc.constant(new Freeze()),
  fc.constant(new Unfreeze()),
  fc.constant(new Unlock()),
  fc.nat(20).map((n) => new MarkBad(n)),
];

const runs = Number(process.env.STORY_RUNS ?? 3);
const seed = process.env.STORY_SEED ? Number(process.env.STORY_SEED) : undefined;
const path = process.env.STORY_PATH;

describe('randomised incident stories', () => {
  it(
    `${runs} random sequences keep every invariant`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.commands(steps, { maxCommands: Number(process.env.STORY_STEPS ?? 6) }),
          async (cmds) => {
            const story = await startStory();
            try {
              await fc.asyncModelRun(() => ({ model: story.model, real: { story } }), cmds);
            } finally {
              await story.stop();
            }
          },
        ),
        {
          numRuns: runs,
          ...(seed !== undefined ? { seed } : {}),
          ...(path ? { path } : {}),
          // Shrinking reruns whole stories: keep it short in CI; the seed reproduces the rest.
          endOnFailure: process.env.STORY_SHRINK !== '1',
          verbose: 1,
        },
      );
    },
    runs * 90_000,
  );
});
