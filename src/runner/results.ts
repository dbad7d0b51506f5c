import type { BackendInfo, EvaluatorStats, FinalReport } from '../registry/contracts/index.js';
import type { AssignmentResult, ParetoPoint } from '../search/index.js';
import type { EnvironmentInfo } from './environment.js';

export interface HardwareSummary {
  readonly target: string;
  readonly speedup: number;
  readonly energyReduction: number | null;
  readonly latency: number;
  readonly baselineLatency: number;
  readonly units: { readonly latency: string; readonly energy: string | null };
}

/** results.json of a run folder: everything the summary, reports and sweeps read. */
export interface RunResults {
  readonly experiment: string;
  readonly runId: string;
  readonly runDir: string;
  readonly configHash: string;
  readonly seed: number;
  readonly backend: BackendInfo | null;
  readonly problem: {
    readonly network: string;
    readonly layers: readonly string[];
    readonly fullPrecisionAccuracy: number;
    readonly fixedLayers: readonly number[];
  };
  readonly search: {
    readonly episodes: number;
    readonly evaluations: number;
    readonly cacheHits: number;
    readonly interrupted: boolean;
    readonly wallSeconds: number;
  };
  readonly best: AssignmentResult;
  readonly final: AssignmentResult;
  readonly pareto: readonly ParetoPoint[];
  readonly evaluator: EvaluatorStats;
  readonly finalReport: FinalReport | null;
  readonly hardware: readonly HardwareSummary[];
  readonly trackerLocation: string | null;
  readonly wallSeconds: number;
  readonly environment: EnvironmentInfo;
}
