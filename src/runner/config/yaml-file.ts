import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ReleqError } from '../../errors.js';
import { SourceMap, type KeyPath } from './source-map.js';

/** Tags of YAML's core schema: anything else (`!!js/function`, `!custom`) is refused. */
const SAFE_TAGS = new Set([
  'tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq',
]);
/** Bound on alias expansion ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

export interface ParsedYaml {
  readonly value: unknown;
  readonly sources: SourceMap;
}

/** Parses YAML text safely: core schema only, duplicate keys rejected, alias expansion bounded. */
export function parseYaml(text: string, displayName: string, dir?: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, schema: 'core', prettyErrors: false, merge: false });
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return displayName;
    const { line, col } = lineCounter.linePos(offset);
    return `${displayName}:${line}:${col}`;
  };
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const lines = problems.map((e) => `${where(e.pos[0])} ${e.message.split('\n')[0]}`);
    throw new ReleqError('config', `Cannot read ${displayName}:\n  ${lines.join('\n  ')}`, {
      hint: 'fix the YAML syntax at the position shown (duplicate keys are not allowed)',
    });
  }
  const sources = new SourceMap();
  const visit = (node: Node | null | undefined, path: KeyPath): void => {
    if (node === null || node === undefined) return;
    if (node.tag !== undefined && !SAFE_TAGS.has(node.tag)) {
      throw new ReleqError('config', `${where(node.range?.[0])} the tag '${node.tag}' is not allowed`, {
        hint: 'experiment files use plain YAML values only; remove the tag',
      });
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const k = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        if (keyNode !== null) visit(keyNode, path);
        const at = (keyNode ?? (pair.value as Node | null))?.range?.[0];
        if (at !== undefined) {
          const { line, col } = lineCounter.linePos(at);
          sources.set([...path, k], { file: displayName, line, col, ...(dir === undefined ? {} : { dir }) });
        }
        visit(pair.value as Node | null, [...path, k]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const at = (item as Node | null)?.range?.[0];
        if (at !== undefined) {
          const { line, col } = lineCounter.linePos(at);
          sources.set([...path, i], { file: displayName, line, col, ...(dir === undefined ? {} : { dir }) });
        }
        visit(item as Node | null, [...path, i]);
      });
    }
  };
  visit(doc.contents as Node | null, []);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    throw new ReleqError('config', `Cannot read ${displayName}: ${(cause as Error).message}`, {
      hint: `aliases may expand to at most ${MAX_ALIAS_COUNT} nodes`,
      cause,
    });
  }
  return { value, sources };
}

export function readYamlFile(path: string, displayName: string, dir: string): ParsedYaml {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ReleqError('config', `Cannot open experiment file ${displayName}${code === 'ENOENT' ? ': no such file' : `: ${code ?? (cause as Error).message}`}`, {
      hint: 'check the path (relative paths in `extends` resolve against the file that names them)',
      cause,
    });
  }
  return parseYaml(text, displayName, dir);
}
