import { randomUUID } from 'node:crypto';
import { definePlugin } from '../../src/registry/plugin.js';
import type { Tracker, TrackerRun } from '../../src/registry/contracts/tracker.js';

export type NoneTrackerOptions = Record<string, never>;

/** Records nothing: for tests and quiet runs. Each run still gets an id so callers need no special case. */
export class NoneTracker implements Tracker {
  async startRun(): Promise<TrackerRun> {
    const runId = randomUUID().replaceAll('-', '');
    return {
      runId,
      location: '(not tracked)',
      async logParams(): Promise<void> {},
      async logMetrics(): Promise<void> {},
      async setTags(): Promise<void> {},
      async logArtifact(): Promise<void> {},
      async end(): Promise<void> {},
    };
  }
  async close(): Promise<void> {}
}

export const noneTrackerPlugin = definePlugin<'tracker', NoneTrackerOptions>({
  kind: 'tracker',
  name: 'none',
  description: 'Records nothing (tests and quiet runs)',
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  create: () => new NoneTracker(),
});
