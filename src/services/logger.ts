/** Minimal levelled logger; output goes to stderr so stdout stays for results. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export class ConsoleLogger implements Logger {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}
  debug(message: string): void { this.emit('debug', message); }
  info(message: string): void { this.emit('info', message); }
  warn(message: string): void { this.emit('warn', `warning: ${message}`); }
  error(message: string): void { this.emit('error', `error: ${message}`); }
  private emit(level: LogLevel, message: string): void {
    if (ORDER[level] >= ORDER[this.level]) this.write(message);
  }
}

/** A logger that keeps lines in memory (tests, quiet runs). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void { this.lines.push(`debug: ${message}`); }
  info(message: string): void { this.lines.push(message); }
  warn(message: string): void { this.lines.push(`warning: ${message}`); }
  error(message: string): void { this.lines.push(`error: ${message}`); }
}
