/** pgmem's version, from package.json (the bundle and the sources both sit two levels below it). */
import { createRequire } from 'node:module';

const packageJson = createRequire(import.meta.url)('../../package.json') as { version: string };

/** pgmem's version, from package.json. */
export const VERSION = packageJson.version;
