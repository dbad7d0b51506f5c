/** A key path inside the config, as segments: ['agent', 'episodes'] or ['hardware', 0, 'name']. */
export type KeyPath = readonly (string | number)[];

export interface SourceLocation {
  /** File path as the user gave it, or a description such as `--set agent.episodes=50`. */
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  /** Folder that relative paths written here resolve against. */
  readonly dir?: string;
}

export function formatPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? '(top level)' : out;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (loc === undefined) return '';
  return loc.line === undefined ? loc.file : `${loc.file}:${loc.line}:${loc.col ?? 1}`;
}

/** Remembers which file, line and column supplied each key; later writers win, as in merging. */
export class SourceMap {
  private readonly entries = new Map<string, SourceLocation>();

  set(path: KeyPath, loc: SourceLocation): void {
    this.entries.set(key(path), loc);
  }

  /** Drops every entry at or below `path` (a later file replaced the whole value). */
  clearBelow(path: KeyPath): void {
    const prefix = key(path);
    for (const k of [...this.entries.keys()]) {
      if (k === prefix || k.startsWith(`${prefix}\u0000`) || prefix === '') this.entries.delete(k);
    }
  }

  merge(other: SourceMap): void {
    for (const [k, v] of other.entries) this.entries.set(k, v);
  }

  /** The location of the key itself, or of its nearest ancestor that has one. */
  find(path: KeyPath): SourceLocation | undefined {
    for (let n = path.length; n >= 0; n--) {
      const loc = this.entries.get(key(path.slice(0, n)));
      if (loc !== undefined) return loc;
    }
    return undefined;
  }
}

function key(path: KeyPath): string {
  return path.map(String).join('\u0000');
}
