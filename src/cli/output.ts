/**
 * Standard output as a stream that can fail: a reader that went away (`pgmem … | head -1`) or a
 * full disk (`> /dev/full`). Node reports both as an 'error' event, which unhandled ends the
 * process with a stack trace and exit 1 — what CI reads as "findings".
 */
import type { TextSink } from './io.js';

/** A stream as node:stream gives it: it reports failed writes as 'error' events and write callbacks. */
interface EventSink extends TextSink {
  write(chunk: string, callback?: (error?: Error | null) => void): unknown;
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

function isEventSink(sink: TextSink): sink is EventSink {
  return typeof (sink as Partial<EventSink>).on === 'function';
}

/** A sink whose failures are recorded instead of thrown; after the first, writes are dropped. */
export interface GuardedSink extends TextSink {
  /** Waits for every write to finish and returns the first failure, if any. */
  settled(): Promise<NodeJS.ErrnoException | null>;
}

/**
 * Wraps a stream so a failed write never escapes: the first error is kept, later writes are
 * dropped. Sinks without events (test doubles) are passed through as they are.
 */
export function guardSink(sink: TextSink): GuardedSink {
  if (!isEventSink(sink)) return { isTTY: sink.isTTY, write: (chunk) => sink.write(chunk), settled: async () => null };
  let failure: NodeJS.ErrnoException | null = null;
  const pending = new Set<Promise<void>>();
  sink.on('error', (error) => {
    failure ??= error;
  });
  return {
    isTTY: sink.isTTY,
    write(chunk: string): boolean {
      if (failure) return false;
      const done = new Promise<void>((resolve) => {
        sink.write(chunk, (error) => {
          if (error) failure ??= error as NodeJS.ErrnoException;
          resolve();
        });
      });
      pending.add(done);
      void done.then(() => pending.delete(done));
      return true;
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
      // An error from a synchronous write is emitted on the next tick, after the callback.
      await new Promise((resolve) => setImmediate(resolve));
      return failure;
    },
  };
}

/** Whether a write failed because the reader closed its end (`| head`): a normal way for output to end. */
export function isClosedPipe(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
}

/** The one line for any other write failure, e.g. "no space left on device (ENOSPC)". */
export function describeWriteError(error: NodeJS.ErrnoException): string {
  const reason = (error.message ?? '')
    .replace(/^[A-Z]+: /, '')
    .replace(/, write$/, '')
    .trim();
  return `cannot write to standard output: ${reason || 'write failed'}${error.code && !reason.includes(error.code) ? ` (${error.code})` : ''}`;
}
