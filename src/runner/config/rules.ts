import type { Registry } from '../../registry/registry.js';
import type { ConfigIssue } from './issues.js';
import type { ExperimentConfig } from './types.js';

/** A cross-field check: pushes an issue for each problem it finds. */
export type Rule = (config: ExperimentConfig, registry: Registry, issues: ConfigIssue[]) => void;

const bitwidthsAscending: Rule = (config, _registry, issues) => {
  const b = config.search.bitwidths;
  if (b.some((x, i) => i > 0 && x <= b[i - 1]!)) {
    issues.push({ path: ['search', 'bitwidths'], message: `must be in ascending order (got ${JSON.stringify(b)}); write ${JSON.stringify([...b].sort((x, y) => x - y))}` });
  }
};

const startBitsOnLadder: Rule = (config, _registry, issues) => {
  const { actions, startBits, bitwidths } = config.search;
  if (actions === 'restricted' && !bitwidths.includes(startBits)) {
    issues.push({ path: ['search', 'startBits'], message: `must be one of search.bitwidths ${JSON.stringify(bitwidths)} with restricted actions, which step along that list (got ${startBits})` });
  }
};

/** Agents that walk the bitwidth list themselves need flexible actions. */
const baselinesNeedFlexible: Rule = (config, _registry, issues) => {
  if (['greedy', 'exhaustive'].includes(config.agent.name) && config.search.actions !== 'flexible') {
    issues.push({ path: ['search', 'actions'], message: `must be 'flexible' for agent '${config.agent.name}', which chooses bitwidths directly` });
  }
};

/** A reward that measures quantization on hardware needs a hardware target to ask. */
const hardwareRewardNeedsTarget: Rule = (config, _registry, issues) => {
  if (config.reward['quantizationTerm'] === 'hardware' && config.hardware.length === 0) {
    issues.push({ path: ['reward', 'quantizationTerm'], message: "'hardware' needs at least one hardware target (set `hardware: [bit-serial-cpu]`, say)" });
  }
};

export const RULES: readonly Rule[] = [bitwidthsAscending, startBitsOnLadder, baselinesNeedFlexible, hardwareRewardNeedsTarget];
