import { exitCodeFor, ReleqError } from '../errors.js';

/** Prints an error for a person: message and hint, a stack only with --verbose. */
export function reportError(error: unknown, verbose: boolean, write: (text: string) => void): number {
  if (ReleqError.is(error)) {
    write(`error: ${error.message}\n`);
    if (error.hint !== undefined) write(`  hint: ${error.hint}\n`);
    if (verbose && error.stack !== undefined) write(`${error.stack}\n`);
    if (verbose && error.cause instanceof Error && error.cause.stack !== undefined) write(`caused by: ${error.cause.stack}\n`);
  } else if (error instanceof Error) {
    write(`error: ${error.message}\n`);
    write(verbose ? `${error.stack ?? ''}\n` : '  (this is a bug in releq or a plugin; rerun with --verbose for the stack trace)\n');
  } else {
    write(`error: ${String(error)}\n`);
  }
  return exitCodeFor(error);
}
