/**
 * Text from files and arguments made safe for a terminal or a CI log: control characters (ESC
 * sequences that recolour, move the cursor or retitle the window, a CR that overwrites the line,
 * the C1 set) and the Unicode bidirectional overrides that reorder what is shown are written as
 * visible escapes; one message echoes at most MAX_MESSAGE_CHARS of a huge value; a report prints at
 * most MAX_FINDINGS_SHOWN findings and counts the rest.
 */

/** Characters a message may have before it is cut, with a count of what was left out. */
export const MAX_MESSAGE_CHARS = 500;

/** Findings one report prints in table and annotation formats; JSON and SARIF carry all. */
export const MAX_FINDINGS_SHOWN = 50;

// C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** `text` with every control character written as an escape (`\e`, `\n`, `\x07`, `\u202e`). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return (
      NAMED[c] ??
      (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}

/** `text` cut to `max` characters, saying how many were left out. */
export function capText(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${(text.length - max).toLocaleString('en')} more characters)`;
}

/** Text from outside pgmem, as a terminal should show it: escaped, then capped. */
export function terminalText(text: string, max = MAX_MESSAGE_CHARS): string {
  return capText(escapeControls(text), max);
}

/** The findings to print and how many are left out. */
export function shownFindings<T>(
  findings: readonly T[],
  max = MAX_FINDINGS_SHOWN,
): { shown: readonly T[]; hidden: number } {
  return findings.length <= max
    ? { shown: findings, hidden: 0 }
    : { shown: findings.slice(0, max), hidden: findings.length - max };
}
