import cliProgress from 'cli-progress';
import type { Logger } from '../services/logger.js';
import type { TrainProgress } from './train-loop.js';

/** A progress bar on a terminal; otherwise a log line every 10% (CI logs, files). */
export function progressReporter(label: string, total: number, logger: Logger): { update: (p: TrainProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {value}/{total} steps | loss {loss} | eta {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { loss: '-' });
    return { update: (p) => bar.update(p.step, { loss: p.loss.toFixed(4) }), stop: () => bar.stop() };
  }
  let next = Math.ceil(total / 10);
  return {
    update: (p) => {
      if (p.step >= next || p.step === total) {
        logger.info(`${label}: step ${p.step}/${total}, loss ${p.loss.toFixed(4)}`);
        next = p.step + Math.ceil(total / 10);
      }
    },
    stop: () => undefined,
  };
}
