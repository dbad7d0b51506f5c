/** What went wrong, so the CLI can pick the exit code and the message shape. */
export type ReleqErrorKind =
  | 'config' // bad experiment file, option or override: exit 2
  | 'usage' // bad command-line arguments: exit 2
  | 'plugin' // a plugin could not be found, loaded or created
  | 'data' // a data set, weights file or landscape is missing or malformed
  | 'backend' // a tensor backend is unavailable
  | 'tracking' // the tracker failed
  | 'hardware' // a hardware target failed
  | 'internal';

const BRAND = Symbol.for('releq/ReleqError');

/** One error type for everything a user can cause; `hint` says how to fix it. */
export class ReleqError extends Error {
  readonly [BRAND] = true;
  readonly kind: ReleqErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ReleqErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReleqError';
    this.kind = kind;
    this.hint = options.hint;
  }

  static is(value: unknown): value is ReleqError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Exit code for a failure: 2 for input the user can fix, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (ReleqError.is(error) && (error.kind === 'config' || error.kind === 'usage')) return 2;
  return 1;
}
