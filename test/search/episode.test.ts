import { expect } from 'chai';
import { QuantizationEnv } from '../../src/search/environment.js';
import { runEpisode } from '../../src/search/episode.js';
import { Scorer } from '../../src/search/scorer.js';
import { BudgetReward } from '../../plugins/rewards/budget.js';
import type {
  Agent, AgentDecision, AgentSnapshot, EpisodeFeedback, Reward, StepObservation,
} from '../../src/registry/contracts/index.js';
import { defaultSearchConfig, syntheticProblem } from './fixtures.js';

/** Plays a fixed action list and records what it saw. */
class ScriptedAgent implements Agent {
  seen: StepObservation[] = [];
  constructor(private readonly actions: number[]) {}
  async begin(): Promise<void> {}
  startEpisode(): void { this.seen = []; }
  act(o: StepObservation): AgentDecision { this.seen.push(o); return { action: this.actions[o.step]!, probabilities: [1] }; }
  async endEpisode(_f: EpisodeFeedback): Promise<Record<string, number>> { return {}; }
  async save(): Promise<AgentSnapshot> { return { json: null, arrays: {} }; }
  async load(): Promise<void> {}
  dispose(): void {}
}

// SA-only reward makes the expected values easy to read.
const saReward: Reward = { compute: (i) => i.stateAccuracy };

describe('one episode of the MDP', () => {
  it('per-episode timing: zeros, then one reward for the finished assignment; SA stays at the start value', async () => {
    const { evaluator, problem } = await syntheticProblem(3);
    const env = new QuantizationEnv(problem, defaultSearchConfig());
    const scorer = new Scorer(env, evaluator, saReward);
    const agent = new ScriptedAgent([2, 0, 3]); // bits [4, 2, 5]: layer 1 is 1 below its safe 3 -> 65
    const out = await runEpisode(env, agent, scorer, saReward, 'sample', 1, 1);
    expect(out.final.bits).to.deep.equal([4, 2, 5]);
    expect(out.rewards).to.have.length(3);
    expect(out.rewards.slice(0, 2)).to.deep.equal([0, 0]);
    expect(out.rewards[2]).to.be.closeTo(65 / 90, 1e-12);
    expect(agent.seen.map((o) => o.features[3])).to.deep.equal([1, 1, 1]);
    expect(agent.seen.map((o) => o.bits)).to.deep.equal([[8, 8, 8], [4, 8, 8], [4, 2, 8]]);
    expect(scorer.evaluations).to.equal(1);
  });

  it('per-step timing: every step evaluated and rewarded, and SA follows the latest evaluation', async () => {
    const { evaluator, problem } = await syntheticProblem(3);
    const env = new QuantizationEnv(problem, defaultSearchConfig({ rewardTiming: 'step' }));
    const scorer = new Scorer(env, evaluator, saReward);
    const agent = new ScriptedAgent([1, 0, 4]); // [3,8,8] -> 65; [3,2,8] -> 40; [3,2,8] final -> 40
    const out = await runEpisode(env, agent, scorer, saReward, 'sample', 1, 1);
    expect(out.rewards.map((r) => +r.toFixed(6))).to.deep.equal([65 / 90, 40 / 90, 40 / 90].map((r) => +r.toFixed(6)));
    expect(agent.seen.map((o) => +o.features[3]!.toFixed(6))).to.deep.equal([1, 65 / 90, 40 / 90].map((r) => +r.toFixed(6)));
    expect(scorer.evaluations).to.equal(2);
    expect(scorer.cacheHits).to.equal(1);
  });

  it('a budget reward pushes the assignment under its budget before it is evaluated', async () => {
    const { evaluator, problem } = await syntheticProblem(3);
    const env = new QuantizationEnv(problem, defaultSearchConfig());
    const reward = new BudgetReward({ budget: 0.5, scale: 1 });
    const scorer = new Scorer(env, evaluator, reward);
    const out = await runEpisode(env, new ScriptedAgent([4, 4, 4]), scorer, reward, 'sample', 1, 1);
    // [8,8,8] -> one step per layer per round: [5,5,5] (0.625) -> [4,5,5] (0.583) -> [4,4,5] (0.542) -> [4,4,4] (0.5)
    expect(out.final.bits).to.deep.equal([4, 4, 4]);
    expect(out.final.relativeCost).to.be.closeTo(0.5, 1e-12);
    expect(out.final.reward).to.be.closeTo(65 / 90 - 1, 1e-12);
  });
});
