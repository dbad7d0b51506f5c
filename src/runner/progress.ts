import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, fields: Readonly<Record<string, string>>): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; otherwise a plain line every tenth of the way,
 * so logs of CI and batch runs stay readable.
 */
export function createProgress(total: number, label: string, enabled: boolean): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {value}/{total} | {info}`,
      stream: process.stderr,
      hideCursor: true,
      barsize: 24,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { info: '' });
    return {
      update: (done, fields) => bar.update(done, { info: formatFields(fields) }),
      stop: () => bar.stop(),
    };
  }
  let nextReport = 0;
  return {
    update: (done, fields) => {
      if (done >= nextReport || done === total) {
        process.stderr.write(`${label} ${done}/${total} ${formatFields(fields)}\n`);
        nextReport = done + Math.max(1, Math.ceil(total / 10));
      }
    },
    stop: () => undefined,
  };
}

function formatFields(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(' | ');
}
