import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ReleqError } from '../errors.js';
import { defaultSpoolDir, formatSyncReport, syncSpool } from '../tracking/rest/sync.js';
import { ConsoleLogger } from '../services/logger.js';

/** `releq tracking sync`: replays calls spooled while a tracking server was unreachable. */
export function registerTrackingCommand(program: Command, out: (text: string) => void): void {
  const tracking = program.command('tracking').description('MLflow tracking utilities');
  tracking.command('sync')
    .description('send MLflow calls kept in the local spool (server was unreachable) to the server, without duplicates')
    .option('--uri <url>', 'send to this server instead of the one each spool recorded')
    .option('--spool-dir <dir>', 'spool folder (default <cache dir>/mlflow-spool)')
    .option('--cache-dir <dir>', 'cache folder (else $RELEQ_CACHE_DIR, ./.releq-cache)')
    .action(async (opts: { uri?: string; spoolDir?: string; cacheDir?: string }) => {
      const cacheDir = resolve(opts.cacheDir ?? process.env['RELEQ_CACHE_DIR'] ?? '.releq-cache');
      const spoolDir = opts.spoolDir === undefined ? defaultSpoolDir(cacheDir) : resolve(opts.spoolDir);
      const report = await syncSpool({ spoolDir, ...(opts.uri === undefined ? {} : { uri: opts.uri }), logger: new ConsoleLogger('warn') });
      out(`${spoolDir}:\n${formatSyncReport(report).map((l) => `  ${l}\n`).join('')}`);
      const failed = report.replays.filter((r) => r.error !== undefined);
      if (failed.length > 0) {
        throw new ReleqError('tracking', `${failed.length} spool file(s) could not be sent completely: ${failed.map((f) => `${f.spool}: ${f.error}`).join('; ')}`, {
          hint: 'check that the tracking server is reachable, then run `releq tracking sync` again (nothing is sent twice)',
        });
      }
    });
}
