/**
 * YAML (and JSON) documents as pgmem reads them: one document, merge keys (`<<: *anchor`) applied,
 * a bounded number of aliases (an "alias bomb" of nested anchors is refused, not expanded), unknown
 * tags refused. Every problem is an InputError with the file, the line and pgmem's own wording; the
 * library never prints anything.
 */
import {
  isAlias,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Alias,
  type Document,
  type ErrorCode,
  type YAMLError,
} from 'yaml';
import { InputError } from '../errors.js';

/**
 * Aliases one document may resolve, as the yaml library counts them (each alias weighted by the
 * aliases inside what it names). Its default, 100, refuses a topology of a few hundred apps that
 * each merge one anchor; an alias bomb's nested levels multiply past any such bound at once.
 */
export const YAML_MAX_ALIASES = 10_000;

/**
 * Values a document may expand to through its aliases, at least: without aliases a document has
 * fewer values than characters, so only expansion reaches max(this, its length).
 */
export const YAML_MIN_VALUE_BUDGET = 1_000_000;

/** pgmem's words for the library's error codes (yaml's ErrorCode). */
const MESSAGES: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'invalid alias',
  BAD_COLLECTION_TYPE: 'a collection of the wrong kind for its tag',
  BAD_DIRECTIVE: 'invalid directive',
  BAD_DQ_ESCAPE: 'invalid escape in a double-quoted string',
  BAD_INDENT: 'bad indentation (or an unclosed bracket)',
  BAD_PROP_ORDER: 'an anchor or tag in the wrong place',
  BAD_SCALAR_START: 'a plain value cannot start with this character; quote it',
  BLOCK_AS_IMPLICIT_KEY: 'a key cannot be a block collection',
  BLOCK_IN_FLOW: 'a block collection inside brackets',
  DUPLICATE_KEY: 'duplicate key',
  IMPOSSIBLE: 'invalid YAML',
  KEY_OVER_1024_CHARS: 'a key longer than 1024 characters',
  MISSING_CHAR: 'a closing bracket or quote is missing',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line',
  MULTIPLE_ANCHORS: 'a value with two anchors',
  MULTIPLE_DOCS: 'more than one document; give one',
  MULTIPLE_TAGS: 'a value with two tags',
  NON_STRING_KEY: 'keys must be strings',
  // Raised by the parser when collections nest deeper than its stack.
  RESOURCE_EXHAUSTION: 'values nested too deeply',
  TAB_AS_INDENT: 'a tab used for indentation; indent with spaces',
  TAG_RESOLVE_FAILED: 'unknown tag',
  UNEXPECTED_TOKEN: 'unexpected character',
};

/** An alias bomb: anchors naming anchors, each level multiplying what the document expands to. */
const ALIAS_BOMB = 'too many aliases: anchors nested so that the document expands without bound';

/** The problem's line and our message (with the tag or anchor it names). */
function describe(
  error: YAMLError,
  text: string,
  lineAt: (offset: number) => number,
): { message: string; line: number } {
  const [start, end] = error.pos;
  const line = lineAt(start);
  let message = MESSAGES[error.code] ?? 'invalid YAML';
  if (error.code === 'TAG_RESOLVE_FAILED') {
    const tag = /^!\S*/.exec(text.slice(start, Math.max(end, start + 1)))?.[0];
    if (tag) message = `unknown tag "${tag.slice(0, 40)}"`;
  }
  return { message, line };
}

/** Parses one YAML or JSON document to plain data; every problem is one InputError naming `file` and line. */
export function parseYamlDocument(text: string, file: string): unknown {
  const { list, lineAt } = parseDocuments(text);
  if (list.length > 1) throw new InputError(MESSAGES.MULTIPLE_DOCS, file, lineAt(list[1]!.range?.[0] ?? 0));
  const doc = list[0];
  return doc === undefined ? null : documentData(doc, text, file, lineAt);
}

/** A line and column (both from 1) in a YAML file. */
export interface YamlPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Where a value of a document is written: the value itself for a scalar, its key for a mapping or
 * a list (which start on the lines below), or the nearest enclosing field that is written when the
 * path goes further than the text does (a default, a value merged in from an anchor).
 */
export type YamlLocate = (path: readonly (string | number)[]) => YamlPosition;

/** One document of a multi-document stream, with the line it starts on and where its values are. */
export interface YamlDocumentEntry {
  readonly data: unknown;
  readonly line: number;
  readonly locate: YamlLocate;
}

/** Every document of a multi-document stream (Kubernetes manifests), each with the line it starts on. */
export function parseYamlDocuments(text: string, file: string): YamlDocumentEntry[] {
  const { list, lineAt, counter } = parseDocuments(text);
  return list.map((doc) => {
    const start = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    return {
      data: documentData(doc, text, file, lineAt),
      line: lineAt(start),
      locate: locator(doc, start, counter, lineAt),
    };
  });
}

/** The position of a path in a document, from the parser's ranges (character offsets) and the line counter. */
function locator(doc: Document, start: number, counter: LineCounter, lineAt: (offset: number) => number): YamlLocate {
  const position = (offset: number): YamlPosition => ({ line: lineAt(offset), column: counter.linePos(offset).col });
  return (path) => {
    let node: unknown = doc.contents;
    let at = start;
    for (const segment of path) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) break;
        next = pair.value;
        const written = isScalar(next) ? next : pair.key;
        const range = isNode(written) ? written.range : undefined;
        if (range) at = range[0];
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        if (isNode(next) && next.range) at = next.range[0];
      }
      if (next === undefined) break;
      node = next;
    }
    return position(at);
  };
}

function parseDocuments(text: string): { list: Document[]; lineAt: (offset: number) => number; counter: LineCounter } {
  const counter = new LineCounter();
  const documents = parseAllDocuments(text, {
    merge: true,
    uniqueKeys: true,
    // Only JSON's and YAML 1.2's own types: no !!binary, !!set or !!timestamp.
    resolveKnownTags: false,
    logLevel: 'silent',
    lineCounter: counter,
    prettyErrors: false,
  });
  // An error at the very end (an unclosed bracket) names the last line, not the one after it.
  const lastLine = Math.max(1, text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
  const lineAt = (offset: number): number => Math.min(counter.linePos(offset).line, lastLine);
  return { list: Array.isArray(documents) ? documents : [], lineAt, counter };
}

function documentData(doc: Document, text: string, file: string, lineAt: (offset: number) => number): unknown {
  // Warnings too: an unknown tag would otherwise be read as a plain value.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const { message, line } = describe(problem, text, lineAt);
    throw new InputError(message, file, line);
  }
  // Aliases checked and their expansion counted before the library resolves them: its resolution
  // walks what an alias names once per alias, so a wide anchor named many times costs as much as
  // the expansion itself.
  const budget = Math.max(YAML_MIN_VALUE_BUDGET, text.length);
  let size: number;
  try {
    size = expandedSize(doc.contents, new Map(), (alias) => {
      throw new InputError(
        `alias "*${alias.source.slice(0, 40)}" has no anchor before it`,
        file,
        alias.range ? lineAt(alias.range[0]) : undefined,
      );
    });
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(MESSAGES.RESOURCE_EXHAUSTION, file);
    throw error;
  }
  if (size > budget) throw new InputError(ALIAS_BOMB, file);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: YAML_MAX_ALIASES });
  } catch (error) {
    // yaml throws a ReferenceError once the aliases resolved pass maxAliasCount.
    if (error instanceof ReferenceError) throw new InputError(ALIAS_BOMB, file);
    throw error;
  }
  return data;
}

/**
 * Values in `node` once every alias is replaced by what it names, in document order: an anchor
 * counts from its node's end, so an alias before it (or inside it) is unresolved.
 */
function expandedSize(node: unknown, anchors: Map<string, number>, unresolved: (alias: Alias) => never): number {
  if (isAlias(node)) {
    const named = anchors.get(node.source);
    return named ?? unresolved(node);
  }
  let size = 1;
  if (isPair(node)) {
    size = expandedSize(node.key, anchors, unresolved) + expandedSize(node.value, anchors, unresolved);
  } else if (isCollection(node)) {
    for (const item of node.items) size += expandedSize(item, anchors, unresolved);
  }
  if (isNode(node) && node.anchor) anchors.set(node.anchor, size);
  return size;
}
