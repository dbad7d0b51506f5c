export { runSearch } from './run-search.js';
export type {
  SearchInput, SearchResult, EpisodeRecord, AssignmentResult, ParetoPoint,
} from './types.js';
export { QuantizationEnv } from './environment.js';
export { ParetoFront } from './pareto.js';
export { readLandscape, parseLandscape, type LandscapeFile } from './landscape-file.js';
export { CHECKPOINT_FILE, EPISODES_FILE } from './checkpoint.js';
