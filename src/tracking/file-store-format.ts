/** The meta.yaml texts of MLflow's FileStore (2.12.2), from the same YAML emitter MLflow uses. */
import type { RunStatus } from '../registry/contracts/tracker.js';
import { dumpPythonYaml, type YamlValue } from './python-yaml.js';

export const STATUS_CODE: Readonly<Record<RunStatus | 'SCHEDULED', number>> = {
  RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5,
};

export interface ExperimentMeta {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: string;
}

export interface RunMeta {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly artifactUri: string;
  readonly lifecycleStage: string;
}

export interface CreateRunRequest {
  readonly experimentId: string;
  readonly runName: string;
  readonly userId: string;
  readonly startTime: number;
  readonly tags: Readonly<Record<string, string>>;
}

export function experimentMetaYaml(e: ExperimentMeta, creationTime: number, lastUpdateTime: number): string {
  return dumpPythonYaml({
    artifact_location: e.artifactLocation, creation_time: creationTime, experiment_id: e.experimentId,
    last_update_time: lastUpdateTime, lifecycle_stage: e.lifecycleStage, name: e.name,
  });
}

/** Run meta.yaml; `created` adds `deleted_time: null`, which MLflow writes only on creation. */
export function runMetaYaml(r: RunMeta, created: boolean): string {
  const fields: Record<string, YamlValue> = {
    artifact_uri: r.artifactUri, end_time: r.endTime, entry_point_name: '', experiment_id: r.experimentId,
    lifecycle_stage: r.lifecycleStage, run_id: r.runId, run_name: r.runName, run_uuid: r.runId,
    source_name: '', source_type: 4, source_version: '', start_time: r.startTime,
    status: STATUS_CODE[r.status], tags: [], user_id: r.userId,
  };
  if (created) fields['deleted_time'] = null;
  return dumpPythonYaml(fields);
}

