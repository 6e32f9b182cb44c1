// Maps a path inside a parsed YAML document (["hosts", "redis-1", "memory"]) to the line and
// column where it is written, so every error can name `file:line`.
import {
  isMap,
  isSeq,
  isScalar,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
} from "yaml";

export interface Position {
  line: number;
  col: number;
}

type PathKey = string | number;

function childOf(node: unknown, key: PathKey): { value: unknown; keyNode?: unknown } | undefined {
  if (isMap(node)) {
    const pair = (node.items as Pair[]).find((p) => {
      const k = isScalar(p.key) ? p.key.value : p.key;
      return String(k) === String(key);
    });
    return pair ? { value: pair.value, keyNode: pair.key } : undefined;
  }
  if (isSeq(node) && typeof key === "number") {
    const item = node.items[key];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

/**
 * The position of `path` in `doc`. With `atKey`, the position of the last key itself (for an
 * unknown key); when the path does not exist (a missing field), the nearest existing parent.
 */
export function positionOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PathKey[],
  atKey = false,
): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as PathKey;
    const child = childOf(node, key);
    if (!child) break;
    const isLast = i === path.length - 1;
    const target = isLast && atKey && child.keyNode ? child.keyNode : child.value;
    offset = rangeStart(target) ?? rangeStart(child.keyNode) ?? offset;
    node = child.value;
  }
  const { line, col } = counter.linePos(offset);
  return { line, col };
}
