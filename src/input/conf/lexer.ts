/**
 * The configuration-file scanner of PostgreSQL (src/backend/utils/misc/guc-file.l), byte for byte.
 *
 * flex picks the longest match at each position and, among rules matching the same length, the one
 * written first. The rules, in order: `\n`, `[ \t\r]+`, `#.*`, ID, QUALIFIED_ID, STRING,
 * UNQUOTED_STRING, INTEGER, REAL, `=`, `.` (any other byte, an error token). The scanner is
 * `%option 8bit`: bytes 0x80–0xFF are letters, and a NUL byte is an ordinary character.
 */

/** Token classes, with guc-file.l's numbers. */
export const ConfToken = {
  Eof: 0,
  Id: 1,
  String: 2,
  Integer: 3,
  Real: 4,
  Equals: 5,
  UnquotedString: 6,
  QualifiedId: 7,
  Eol: 99,
  Error: 100,
} as const;

/** One of the token classes. */
export type ConfToken = (typeof ConfToken)[keyof typeof ConfToken];

/** One token: its class and the bytes it covers. */
export interface LexedToken {
  readonly type: ConfToken;
  readonly start: number;
  readonly end: number;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAsciiLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
// guc-file.l: LETTER [A-Za-z_\200-\377], LETTER_OR_DIGIT [A-Za-z_0-9\200-\377]
const isLetter = (c: number): boolean => isAsciiLetter(c) || c === 0x5f || c >= 0x80;
const isLetterOrDigit = (c: number): boolean => isLetter(c) || isDigit(c);

const NL = 0x0a;
const QUOTE = 0x27;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** A scanner over one file's bytes; `next()` returns tokens until Eof, counting lines as flex does. */
export class ConfLexer {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  /** The next token (whitespace and comments skipped). */
  next(): LexedToken {
    const buf = this.buf;
    for (;;) {
      const p = this.pos;
      if (p >= buf.length) return { type: ConfToken.Eof, start: p, end: p };
      const c = buf[p]!;
      if (c === NL) {
        this.pos = p + 1;
        return { type: ConfToken.Eol, start: p, end: p + 1 };
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        let q = p + 1;
        while (q < buf.length && (buf[q] === 0x20 || buf[q] === 0x09 || buf[q] === 0x0d)) q++;
        this.pos = q;
        continue;
      }
      if (c === 0x23) {
        // #.* : flex's `.` is any byte but newline
        let q = p + 1;
        while (q < buf.length && buf[q] !== NL) q++;
        this.pos = q;
        continue;
      }
      // Candidates in rule order; the first of the longest wins (a strictly longer match replaces
      // the best so far). `.` (Error) is last, length 1. No arrays here: this runs once per token.
      const id = this.matchId(p);
      let bestType: ConfToken = ConfToken.Id;
      let bestLen = id;
      const consider = (type: ConfToken, len: number): void => {
        if (len > bestLen) {
          bestType = type;
          bestLen = len;
        }
      };
      if (id > 0) consider(ConfToken.QualifiedId, this.matchQualifiedId(p, id));
      consider(ConfToken.String, this.matchString(p));
      consider(ConfToken.UnquotedString, this.matchUnquoted(p));
      consider(ConfToken.Integer, this.matchInteger(p));
      consider(ConfToken.Real, this.matchReal(p));
      consider(ConfToken.Equals, c === 0x3d ? 1 : 0);
      consider(ConfToken.Error, 1);
      this.pos = p + bestLen;
      return { type: bestType, start: p, end: p + bestLen };
    }
  }

  /** ID: {LETTER}{LETTER_OR_DIGIT}* */
  private matchId(p: number): number {
    const buf = this.buf;
    if (p >= buf.length || !isLetter(buf[p]!)) return 0;
    let q = p + 1;
    while (q < buf.length && isLetterOrDigit(buf[q]!)) q++;
    return q - p;
  }

  /** QUALIFIED_ID: {ID}"."{ID} (the first ID is maximal, since `.` is not a LETTER_OR_DIGIT) */
  private matchQualifiedId(p: number, idLen: number): number {
    const dot = p + idLen;
    if (this.buf[dot] !== DOT) return 0;
    const second = this.matchId(dot + 1);
    return second > 0 ? idLen + 1 + second : 0;
  }

  /** STRING: \'([^'\\\n]|\\.|\'\')*\' — longest prefix that matches. */
  private matchString(p: number): number {
    const buf = this.buf;
    if (buf[p] !== QUOTE) return 0;
    let q = p + 1;
    let lastAccept = 0;
    for (;;) {
      if (q >= buf.length) break;
      const c = buf[q]!;
      if (c === NL) break;
      if (c === BACKSLASH) {
        if (q + 1 >= buf.length || buf[q + 1] === NL) break;
        q += 2;
        continue;
      }
      if (c === QUOTE) {
        q++;
        lastAccept = q - p; // this quote may close the string…
        if (buf[q] === QUOTE) {
          q++; // …or, with the next one, be a doubled quote inside it
          continue;
        }
        break;
      }
      q++;
    }
    return lastAccept;
  }

  /** UNQUOTED_STRING: {LETTER}({LETTER_OR_DIGIT}|[-._:/])* */
  private matchUnquoted(p: number): number {
    const buf = this.buf;
    if (p >= buf.length || !isLetter(buf[p]!)) return 0;
    let q = p + 1;
    while (q < buf.length) {
      const c = buf[q]!;
      if (isLetterOrDigit(c) || c === 0x2d || c === DOT || c === 0x5f || c === 0x3a || c === 0x2f) q++;
      else break;
    }
    return q - p;
  }

  /** INTEGER: {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}* — the longer of the two branches. */
  private matchInteger(p: number): number {
    const buf = this.buf;
    let q = p;
    if (buf[q] === 0x2b || buf[q] === 0x2d) q++;
    const body = q;
    let best = 0;
    // decimal branch
    let d = body;
    while (d < buf.length && isDigit(buf[d]!)) d++;
    if (d > body) {
      while (d < buf.length && isAsciiLetter(buf[d]!)) d++;
      best = d - p;
    }
    // hex branch
    if (buf[body] === 0x30 && buf[body + 1] === 0x78) {
      let h = body + 2;
      while (h < buf.length && isHexDigit(buf[h]!)) h++;
      if (h > body + 2) {
        while (h < buf.length && isAsciiLetter(buf[h]!)) h++;
        best = Math.max(best, h - p);
      }
    }
    return best;
  }

  /** REAL: {SIGN}?{DIGIT}*"."{DIGIT}*{EXPONENT}?, EXPONENT [Ee]{SIGN}?{DIGIT}+ */
  private matchReal(p: number): number {
    const buf = this.buf;
    let q = p;
    if (buf[q] === 0x2b || buf[q] === 0x2d) q++;
    while (q < buf.length && isDigit(buf[q]!)) q++;
    if (buf[q] !== DOT) return 0;
    q++;
    while (q < buf.length && isDigit(buf[q]!)) q++;
    if (buf[q] === 0x45 || buf[q] === 0x65) {
      let e = q + 1;
      if (buf[e] === 0x2b || buf[e] === 0x2d) e++;
      const digits = e;
      while (e < buf.length && isDigit(buf[e]!)) e++;
      if (e > digits) q = e;
    }
    return q - p;
  }
}

/**
 * GUC_scanstr (guc-file.l): strips the quotes of a STRING token and collapses `''` and backslash
 * escapes. It works on a C string, so a NUL byte inside the token ends it early (and, as in the
 * server, the last character before the NUL is then taken for the closing quote and dropped).
 */
export function unescapeConfString(token: Uint8Array): Uint8Array {
  const nul = token.indexOf(0);
  const s = nul >= 0 ? token.subarray(0, nul) : token;
  const at = (i: number): number => (i < s.length ? s[i]! : 0);
  // Skip the leading quote; the trailing quote is copied and removed at the end.
  const base = 1;
  const len = s.length - 1;
  const out: number[] = [];
  for (let i = 0; i < len; i++) {
    const c = at(base + i);
    if (c === BACKSLASH) {
      i++;
      const e = at(base + i);
      switch (e) {
        case 0x62:
          out.push(0x08);
          break; // \b
        case 0x66:
          out.push(0x0c);
          break; // \f
        case 0x6e:
          out.push(0x0a);
          break; // \n
        case 0x72:
          out.push(0x0d);
          break; // \r
        case 0x74:
          out.push(0x09);
          break; // \t
        default:
          if (e >= 0x30 && e <= 0x37) {
            let k = 0;
            let oct = 0;
            while (k < 3 && at(base + i + k) >= 0x30 && at(base + i + k) <= 0x37) {
              oct = (oct << 3) + (at(base + i + k) - 0x30);
              k++;
            }
            i += k - 1;
            out.push(oct & 0xff);
          } else {
            out.push(e);
          }
      }
    } else if (c === QUOTE && at(base + i + 1) === QUOTE) {
      i++;
      out.push(QUOTE);
    } else {
      out.push(c);
    }
  }
  out.pop(); // the copied closing quote
  const result = Uint8Array.from(out);
  const cut = result.indexOf(0);
  return cut >= 0 ? result.subarray(0, cut) : result;
}
