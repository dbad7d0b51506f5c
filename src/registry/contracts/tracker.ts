export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface TrackerRunInfo {
  readonly experimentName: string;
  readonly runName: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Nest this run under a parent run (sweeps). */
  readonly parentRunId?: string;
  /** Continue this run instead of creating one (resume). */
  readonly resumeRunId?: string;
}

export interface TrackerRun {
  readonly runId: string;
  /** Where a person finds the run (folder or URL), for the summary. */
  readonly location: string;
  logParams(params: Readonly<Record<string, string>>): Promise<void>;
  logMetrics(points: readonly MetricPoint[]): Promise<void>;
  setTags(tags: Readonly<Record<string, string>>): Promise<void>;
  /** Copies a local file into the run's artifacts, under `artifactDir` when given. */
  logArtifact(localPath: string, artifactDir?: string): Promise<void>;
  end(status: Exclude<RunStatus, 'RUNNING'>): Promise<void>;
}

export interface Tracker {
  startRun(info: TrackerRunInfo): Promise<TrackerRun>;
  close(): Promise<void>;
}
