import { ReleqError } from '../errors.js';
import type { AgentSetup } from '../registry/contracts/index.js';

/**
 * Baselines that enumerate assignments decide per layer, so they need flexible actions; with
 * several sweeps a layer's later visits repeat its choice.
 */
export function flexibleLayers(setup: AgentSetup, agent: string): { layers: number[]; choices: number } {
  if (setup.actionSpace.kind !== 'flexible') {
    throw new ReleqError('config', `agent ${agent} needs search.actions: flexible (got ${setup.actionSpace.kind})`, {
      hint: 'Restricted actions only move one ladder step per visit; use the ppo or random agent with them.',
    });
  }
  return { layers: [...new Set(setup.searchedLayers)], choices: setup.actionSpace.size };
}
