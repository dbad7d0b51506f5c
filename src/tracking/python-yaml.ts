/**
 * The exact YAML text MLflow's FileStore writes: PyYAML `safe_dump(default_flow_style=False,
 * allow_unicode=True, sort_keys=True)` through libyaml (CSafeDumper), for flat mappings of
 * strings, integers, null and empty lists. Scalar style and line folding follow libyaml's
 * emitter (analyze_scalar, select_scalar_style, write_*_scalar) so names with spaces, quotes,
 * colons, tabs or emoji come out byte for byte as MLflow would write them.
 */
export type YamlValue = string | number | null | readonly never[];

const BEST_WIDTH = 80;
const INDENT = 2;

/** `key: value` lines, keys sorted as Python sorts str (by code point). */
export function dumpPythonYaml(record: Readonly<Record<string, YamlValue>>): string {
  const keys = Object.keys(record).sort(comparePython);
  let out = '';
  for (const key of keys) out += `${key}:${emitValue(record[key] as YamlValue, key.length + 1)}\n`;
  return out;
}

function comparePython(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

function emitValue(value: YamlValue, column: number): string {
  if (value === null) return ' null';
  if (Array.isArray(value)) return ' []';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`YAML writer takes integers only, got ${value}`);
    return ` ${value}`;
  }
  return emitString(value as string, column);
}

const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlankZ = (c: number | undefined): boolean => c === undefined || c === 0x20 || c === 0x09 || c === 0 || isBreak(c);
/** libyaml IS_PRINTABLE: no C0 controls but LF, no DEL..0x9F, no surrogates/BOM/FFFE/FFFF, no astral planes. */
function isPrintable(c: number): boolean {
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff)
    || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

interface Analysis { plainAllowed: boolean; singleAllowed: boolean }

function analyze(chars: readonly number[]): Analysis {
  if (chars.length === 0) return { plainAllowed: true, singleAllowed: true };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false; let leadingBreak = false; let trailingSpace = false; let trailingBreak = false;
  let breakSpace = false; let spaceBreak = false;
  let previousSpace = false; let previousBreak = false;
  const s = String.fromCodePoint(...chars.slice(0, 3));
  if (s === '---' || s === '...') blockIndicators = true;
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankZ(chars[1]);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as number;
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true; previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false; previousBreak = true;
    } else {
      previousSpace = false; previousBreak = false;
    }
    precededByWhitespace = isBlankZ(c);
    followedByWhitespace = isBlankZ(chars[i + 2]);
  }
  let plainAllowed = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
  let singleAllowed = true;
  if (breakSpace) { plainAllowed = false; singleAllowed = false; }
  if (spaceBreak || special) { plainAllowed = false; singleAllowed = false; }
  if (lineBreaks || blockIndicators) plainAllowed = false;
  return { plainAllowed, singleAllowed };
}

// PyYAML's implicit resolvers (resolver.py): a plain scalar matching one of these would load as
// something other than a string, so the emitter must quote it.
const IMPLICIT: ReadonlyArray<readonly [string, RegExp]> = [
  ['yYnNtTfFoO', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  ['-+0123456789.', /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/],
  ['-+0123456789', /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/],
  ['<', /^(?:<<)$/],
  ['~nN', /^(?:~|null|Null|NULL|)$/],
  ['0123456789', /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/],
  ['=', /^(?:=)$/],
];

function resolvesToNonString(value: string): boolean {
  if (value === '') return true; // the null resolver's empty alternative
  // Python's `$` also matches before one final newline.
  const candidates = value.endsWith('\n') ? [value, value.slice(0, -1)] : [value];
  return IMPLICIT.some(([first, re]) => first.includes(value[0] as string) && candidates.some((v) => re.test(v)));
}

/** Emits ` <scalar>` after `key:`, tracking the column as libyaml does (one per character). */
function emitString(value: string, keyColumn: number): string {
  const chars = [...value].map((c) => c.codePointAt(0) as number);
  const a = analyze(chars);
  let style: 'plain' | 'single' | 'double' = 'plain';
  if (!a.plainAllowed || resolvesToNonString(value)) style = 'single';
  if (style === 'single' && !a.singleAllowed) style = 'double';
  const w = new Writer(keyColumn);
  if (style === 'plain') w.plain(chars);
  else if (style === 'single') w.single(chars);
  else w.double(chars);
  return w.out;
}

class Writer {
  out = '';
  private whitespace = false;
  private indention = false;
  constructor(private column: number) {}

  private put(s: string): void { this.out += s; this.column += [...s].length; }
  private putBreak(): void { this.out += '\n'; this.column = 0; }
  private indent(): void {
    if (!this.indention || this.column > INDENT || (this.column === INDENT && !this.whitespace)) this.putBreak();
    while (this.column < INDENT) this.put(' ');
    this.whitespace = true; this.indention = true;
  }
  private writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else { this.out += String.fromCodePoint(c); this.column = 0; }
  }

  plain(chars: readonly number[]): void {
    if (chars.length > 0) this.put(' ');
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as number;
      if (c === 0x20) {
        if (!spaces && this.column > BEST_WIDTH && chars[i + 1] !== 0x20) this.indent();
        else this.put(' ');
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        this.indention = false; spaces = false;
      }
    }
  }

  single(chars: readonly number[]): void {
    this.put(" '");
    let spaces = false; let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as number;
      if (c === 0x20) {
        if (!spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1 && chars[i + 1] !== 0x20) this.indent();
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true; breaks = true;
      } else {
        if (breaks) this.indent();
        if (c === 0x27) this.put("'");
        this.put(String.fromCodePoint(c));
        this.indention = false; spaces = false; breaks = false;
      }
    }
    if (breaks) this.indent();
    this.put("'");
  }

  double(chars: readonly number[]): void {
    this.put(' "');
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as number;
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put(`\\${escapeCode(c)}`);
        spaces = false;
      } else if (c === 0x20) {
        if (!spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
          this.indent();
          if (chars[i + 1] === 0x20) this.put('\\');
        } else this.put(' ');
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        spaces = false;
      }
    }
    this.put('"');
  }
}

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

function escapeCode(c: number): string {
  const named = NAMED_ESCAPES[c];
  if (named !== undefined) return named;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `x${hex.padStart(2, '0')}`;
  if (c <= 0xffff) return `u${hex.padStart(4, '0')}`;
  return `U${hex.padStart(8, '0')}`;
}
