import { InputError } from '../errors.js';

/**
 * JSON.parse with the failure said in pgmem's words, at the line and column where it is: the
 * engine's own message ("Expected ',' or ']' after array element in JSON at position 4") is neither
 * stable across Node.js versions nor what a user reads elsewhere in pgmem.
 * `firstLine` is the line of the file on which `text` starts.
 */
export function parseJson(text: string, file: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    if (/Unexpected end of JSON input/.test(message)) throw new InputError('invalid JSON: it ends too soon', file);
    const position = /at position (\d+)/.exec(message);
    if (!position) {
      const token = /Unexpected token '(.)'/.exec(message);
      throw new InputError(
        token ? `invalid JSON: unexpected ${JSON.stringify(token[1])}` : 'invalid JSON',
        file,
        firstLine,
      );
    }
    if (Number(position[1]) >= text.trimEnd().length) throw new InputError('invalid JSON: it ends too soon', file);
    const before = text.slice(0, Number(position[1]));
    const line = firstLine + (before.match(/\n/g)?.length ?? 0);
    const column = before.length - before.lastIndexOf('\n');
    throw new InputError(`invalid JSON at column ${column}`, file, line);
  }
}
