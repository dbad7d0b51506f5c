import { definePlugin } from '../../src/registry/plugin.js';
import type { Tracker } from '../../src/registry/contracts/tracker.js';
import { FileStoreTracker } from '../../src/tracking/file-tracker.js';
import { RestTracker } from '../../src/tracking/rest/rest-tracker.js';
import { defaultSpoolDir } from '../../src/tracking/rest/sync.js';
import { resolveTrackingUri } from '../../src/tracking/tracking-uri.js';

export interface MlflowTrackerOptions {
  /** '' = MLFLOW_TRACKING_URI, else ./mlruns in the working directory. */
  readonly uri: string;
  /** '' = the experiment's own name. */
  readonly experimentName: string;
  /** '' = <cache dir>/mlflow-spool. */
  readonly spoolDir: string;
}

export const mlflowTrackerPlugin = definePlugin<'tracker', MlflowTrackerOptions>({
  kind: 'tracker',
  name: 'mlflow',
  description: 'MLflow: a local mlruns/ file store (default) or a tracking server over http(s)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      uri: {
        type: 'string', default: '',
        description: "Tracking URI: http(s)://host:port for a server, a folder or file: URI for a local store. Empty: MLFLOW_TRACKING_URI, else ./mlruns (working directory). A relative folder here resolves against the experiment file's folder.",
      },
      experimentName: { type: 'string', default: '', description: "MLflow experiment to log into. Empty: the experiment's name." },
      spoolDir: {
        type: 'string', default: '',
        description: 'Folder for calls kept while a tracking server is unreachable (replayed by releq tracking sync). Empty: <cacheDir>/mlflow-spool.',
      },
    },
  },
  create(options, ctx): Tracker {
    const target = resolveTrackingUri(options.uri === '' ? undefined : options.uri, (p) => ctx.resolvePath(p));
    const experimentName = options.experimentName === '' ? {} : { experimentName: options.experimentName };
    if (target.kind === 'file') return new FileStoreTracker({ root: target.root, logger: ctx.logger, ...experimentName });
    return new RestTracker({
      url: target.url, logger: ctx.logger, ...experimentName,
      spoolDir: options.spoolDir === '' ? defaultSpoolDir(ctx.paths.cacheDir) : ctx.resolvePath(options.spoolDir),
    });
  },
});
