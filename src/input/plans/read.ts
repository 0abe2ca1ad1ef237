/**
 * EXPLAIN (FORMAT JSON) output as people save it: psql's unaligned output (`psql -At`, one JSON array
 * per statement, several in one file), psql's aligned table (the "QUERY PLAN" column with `+`
 * continuation marks), and auto_explain's log lines (`duration: … ms  plan:` followed by a JSON
 * object, in a stderr log or a jsonlog file). Pure: text in, plan documents out.
 */
import { InputError } from '../../errors.js';
import { parseJson } from '../json.js';

/** One plan as EXPLAIN wrote it: the object holding "Plan" (and "Query Text", "Settings", … when present). */
export interface PlanDocument {
  /** "file.json#2": the file and the plan's position in it (1-based). */
  readonly source: string;
  /** Line of the file the plan starts on. */
  readonly line: number;
  readonly plan: Record<string, unknown>;
  /** auto_explain's "Query Text", or the statement the plan came from. */
  readonly queryText: string | null;
  /** EXPLAIN (SETTINGS): settings that differ from the built-in defaults. */
  readonly settings: Readonly<Record<string, string>>;
  /** EXPLAIN ANALYZE: "Execution Time" present. */
  readonly analyzed: boolean;
  /**
   * The plan shows a "JIT" section: the planner chose to JIT it (explain.c ExplainPrintJITSummary
   * prints one whenever the executor's jit flags say PGJIT_PERFORM, with or without ANALYZE).
   */
  readonly jit: boolean;
  /**
   * The JIT section's "Options" (explain.c ExplainPrintJIT prints them from the planner's jit flags,
   * with or without ANALYZE): whether it inlines and optimizes. Absent without a JIT section.
   */
  readonly jitTier?: { readonly inline: boolean; readonly optimize: boolean };
}

/** Reads every plan in one file's text; throws an InputError naming the file (and line) otherwise. */
export function readPlanText(text: string, file: string): PlanDocument[] {
  const body = text.replace(/^\uFEFF/, '');
  const values = isAligned(body)
    ? jsonValues(unalign(body), file, 'aligned')
    : (autoExplainValues(body, file) ?? jsonValues(body, file, 'plain'));
  const docs: PlanDocument[] = [];
  for (const { value, line } of values) {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (
        item === null ||
        typeof item !== 'object' ||
        Array.isArray(item) ||
        !isPlanNode((item as Record<string, unknown>).Plan)
      ) {
        throw new InputError(
          'not an EXPLAIN (FORMAT JSON) plan: expected objects with a "Plan" holding a "Node Type"',
          file,
          line,
        );
      }
      const doc = item as Record<string, unknown>;
      docs.push({
        source: `${file}#${docs.length + 1}`,
        line,
        plan: doc.Plan as Record<string, unknown>,
        queryText: typeof doc['Query Text'] === 'string' ? (doc['Query Text'] as string) : null,
        settings: stringRecord(doc.Settings),
        analyzed: typeof doc['Execution Time'] === 'number' || hasActuals(doc.Plan as Record<string, unknown>),
        jit: doc.JIT !== undefined && doc.JIT !== null,
        ...jitOptions(doc.JIT),
      });
    }
  }
  if (docs.length === 0) throw new InputError('no EXPLAIN (FORMAT JSON) plan in the file', file);
  return docs;
}

/** A JIT section's Options: whether the plan inlines and optimizes. */
function jitOptions(jit: unknown): { jitTier?: { inline: boolean; optimize: boolean } } {
  if (jit === null || typeof jit !== 'object') return {};
  const options = (jit as Record<string, unknown>).Options;
  if (options === null || typeof options !== 'object') return {};
  const o = options as Record<string, unknown>;
  if (typeof o.Inlining !== 'boolean' || typeof o.Optimization !== 'boolean') return {};
  return { jitTier: { inline: o.Inlining, optimize: o.Optimization } };
}

function isPlanNode(value: unknown): boolean {
  return (
    value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>)['Node Type'] === 'string'
  );
}

function hasActuals(plan: Record<string, unknown>): boolean {
  return 'Actual Loops' in plan;
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** psql's aligned output: a "QUERY PLAN" header over a line of dashes. */
function isAligned(text: string): boolean {
  return /^\s*QUERY PLAN\s*\n-{3,}/m.test(text);
}

/**
 * The cells of psql's aligned table, joined: each cell line starts with one space of padding and a
 * wrapped line ends with " +" (print.c, aligned format); "(N rows)" footers and headers are dropped.
 */
function unalign(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*QUERY PLAN\s*$/.test(line) || /^-+$/.test(line) || /^\(\d+ rows?\)$/.test(line)) {
      out.push('');
      continue;
    }
    out.push(
      line
        .replace(/^ /, '')
        .replace(/\s*\+$/, '')
        .replace(/\s+$/, ''),
    );
  }
  return out.join('\n');
}

/** A JSON value and the line it starts on. */
interface Located {
  readonly value: unknown;
  readonly line: number;
}

/**
 * Every top-level JSON value in the text, one after another (psql -At prints one array per EXPLAIN).
 * Anything else between them is an error naming its line; an unterminated value says so.
 */
function jsonValues(text: string, file: string, kind: 'plain' | 'aligned'): Located[] {
  const values: Located[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c !== '[' && c !== '{') {
      throw new InputError(
        kind === 'aligned'
          ? "not an EXPLAIN (FORMAT JSON) plan in psql's table"
          : 'not an EXPLAIN (FORMAT JSON) plan: expected a JSON array or object',
        file,
        line,
      );
    }
    const end = valueEnd(text, i);
    if (end === -1) throw new InputError('truncated JSON: the plan ends before its closing bracket', file, line);
    const slice = text.slice(i, end);
    values.push({ value: parseJson(slice, file, line), line });
    for (let j = i; j < end; j++) if (text[j] === '\n') line++;
    i = end;
  }
  return values;
}

/** The index just past the JSON array or object starting at `start`, or -1 when the text ends first. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** auto_explain's message (auto_explain.c: "duration: %.3f ms  plan:\n%s"). */
const AUTO_EXPLAIN = /duration: [\d.]+ ms {2}plan:/;

/**
 * Plans in a server log written by auto_explain with log_format = json: in a stderr log the JSON
 * follows the message, continuation lines indented by a tab (elog.c append_with_tabs); in a jsonlog
 * file (15+) each line is an object whose "message" holds it. Null when the text is no such log.
 */
function autoExplainValues(text: string, file: string): Located[] | null {
  if (!AUTO_EXPLAIN.test(text)) return null;
  const values: Located[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!AUTO_EXPLAIN.test(line)) continue;
    if (line.trimStart().startsWith('{"timestamp"') || /^\s*\{.*"message"\s*:/.test(line)) {
      // jsonlog: the whole entry is one line of JSON.
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        throw new InputError('truncated jsonlog entry', file, n + 1);
      }
      const message = (entry as { message?: unknown }).message;
      if (typeof message !== 'string') continue;
      const plan = message.slice(message.search(AUTO_EXPLAIN)).replace(AUTO_EXPLAIN, '');
      if (!/^\s*\{/.test(plan))
        throw new InputError('auto_explain plan is not JSON: set auto_explain.log_format = json', file, n + 1);
      values.push(...jsonValues(plan, file, 'plain').map((v) => ({ value: v.value, line: n + 1 })));
      continue;
    }
    // stderr log: the JSON starts after "plan:" (on that line or the next) and runs over tab-indented lines.
    const parts = [line.slice(line.search(AUTO_EXPLAIN)).replace(AUTO_EXPLAIN, '')];
    let m = n + 1;
    for (; m < lines.length && /^\t/.test(lines[m]!); m++) parts.push(lines[m]!.slice(1));
    const plan = parts.join('\n');
    if (!/^\s*\{/.test(plan))
      throw new InputError('auto_explain plan is not JSON: set auto_explain.log_format = json', file, n + 1);
    const end = valueEnd(plan, plan.indexOf('{'));
    if (end === -1) throw new InputError('truncated JSON: the plan ends before its closing bracket', file, n + 1);
    values.push(...jsonValues(plan.slice(0, end), file, 'plain').map((v) => ({ value: v.value, line: n + 1 })));
    n = m - 1;
  }
  return values;
}
