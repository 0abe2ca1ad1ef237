/**
 * One configuration file's lines, as ParseConfigFp in src/backend/utils/misc/guc-file.l reads them:
 * `name [=] value` per line, includes handed to the caller in place, syntax errors with the line the
 * server reports, at most 100 of them per file.
 */
import { ConfLexer, ConfToken, unescapeConfString } from './lexer.js';
import type { ConfAssignment, ConfIssue } from './types.js';

const decoder = new TextDecoder('utf-8');

/** Bytes to text the way the server prints a C string: up to the first NUL. */
export function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return decoder.decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

/** ASCII-only lower-casing, as guc_name_compare and the server's name folding do. */
export function asciiLower(name: string): string {
  return name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** The include directives ParseConfigFp recognises (case-insensitive). */
export type IncludeKind = 'include' | 'include_if_exists' | 'include_dir';

/** What the caller does for each line: record an assignment, or follow an include (false = it failed). */
export interface ParseSink {
  assignment(item: ConfAssignment): void;
  include(kind: IncludeKind, value: string, file: string, line: number): boolean;
  issue(issue: ConfIssue): void;
}

/** guc-file.l gives up on a file after this many syntax errors. */
export const MAX_SYNTAX_ERRORS = 100;

/**
 * ParseConfigFp: scans one file's bytes and reports to the sink. Returns false when the file had an
 * error (a syntax error, or an include that failed), as the server's `OK` flag.
 */
export function parseConfBytes(bytes: Uint8Array, file: string, sink: ParseSink): boolean {
  const lexer = new ConfLexer(bytes);
  let lineno = 1; // ConfigFileLineno
  let ok = true;
  let errorcount = 0;
  const text = (t: { start: number; end: number }): Uint8Array => bytes.subarray(t.start, t.end);
  const lex = () => {
    const t = lexer.next();
    if (t.type === ConfToken.Eol) lineno++;
    return t;
  };

  for (;;) {
    let token = lex();
    if (token.type === ConfToken.Eof) break;
    if (token.type === ConfToken.Eol) continue; // empty or comment line

    let failed = false;
    let optName = '';
    let optValue = '';
    // first token on line is option name
    if (token.type !== ConfToken.Id && token.type !== ConfToken.QualifiedId) failed = true;
    else {
      optName = cString(text(token));
      // next we have an optional equal sign; discard if present
      token = lex();
      if (token.type === ConfToken.Equals) token = lex();
      // now we must have the option value
      if (
        token.type !== ConfToken.Id &&
        token.type !== ConfToken.String &&
        token.type !== ConfToken.Integer &&
        token.type !== ConfToken.Real &&
        token.type !== ConfToken.UnquotedString
      ) {
        failed = true;
      } else {
        optValue = token.type === ConfToken.String ? cString(unescapeConfString(text(token))) : cString(text(token));
        // now we'd like an end of line, or possibly EOF
        token = lex();
        if (token.type !== ConfToken.Eol) {
          if (token.type !== ConfToken.Eof) failed = true;
          // treat EOF like \n for line numbering purposes, cf bug 4752
          else lineno++;
        }
      }
    }

    if (!failed) {
      const line = lineno - 1;
      const lower = asciiLower(optName);
      if (lower === 'include_dir' || lower === 'include_if_exists' || lower === 'include') {
        if (!sink.include(lower, optValue, file, line)) ok = false;
      } else {
        sink.assignment({ name: optName, rawValue: optValue, file, line });
      }
      if (token.type === ConfToken.Eof) break;
      continue;
    }

    // parse_error: report near the token, or near the end of the line
    if (token.type === ConfToken.Eol || token.type === ConfToken.Eof) {
      sink.issue({
        kind: 'syntax',
        file,
        line: lineno - 1,
        message: `syntax error in file "${file}" line ${lineno - 1}, near end of line`,
      });
    } else {
      sink.issue({
        kind: 'syntax',
        file,
        line: lineno,
        message: `syntax error in file "${file}" line ${lineno}, near token "${cString(text(token))}"`,
      });
    }
    ok = false;
    errorcount++;
    if (errorcount >= MAX_SYNTAX_ERRORS) {
      sink.issue({
        kind: 'syntax',
        file,
        line: null,
        message: `too many syntax errors found, abandoning file "${file}"`,
      });
      break;
    }
    // resync to next end-of-line or EOF
    while (token.type !== ConfToken.Eol && token.type !== ConfToken.Eof) token = lex();
    if (token.type === ConfToken.Eof) break;
  }
  return ok;
}

/** The lines of one file without following includes (for tests and editors): assignments, directives, syntax errors. */
export function parseConfText(
  text: string | Uint8Array,
  file: string,
): {
  assignments: ConfAssignment[];
  includes: { kind: IncludeKind; value: string; line: number }[];
  issues: ConfIssue[];
  ok: boolean;
} {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const assignments: ConfAssignment[] = [];
  const includes: { kind: IncludeKind; value: string; line: number }[] = [];
  const issues: ConfIssue[] = [];
  const ok = parseConfBytes(bytes, file, {
    assignment: (item) => assignments.push(item),
    include: (kind, value, _file, line) => {
      includes.push({ kind, value, line });
      return true;
    },
    issue: (issue) => issues.push(issue),
  });
  return { assignments, includes, issues, ok };
}
