import { describe, expect, it } from 'vitest';
import { formatPgSize, formatSize } from '../../src/core/format.js';

describe('formatSize', () => {
  it('uses binary units with at most one decimal', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(1536)).toBe('1.5 KiB');
    expect(formatSize(128 * 1024 ** 2)).toBe('128 MiB');
    expect(formatSize(125 * 1024 ** 3)).toBe('125 GiB');
    expect(formatSize(-2048)).toBe('-2 KiB');
  });
});

describe('formatPgSize', () => {
  it('writes postgresql.conf sizes in the largest whole unit', () => {
    expect(formatPgSize(4 * 1024 ** 3)).toBe('4GB');
    expect(formatPgSize(273 * 1024 ** 2)).toBe('273MB');
    expect(formatPgSize(1536 * 1024)).toBe('1536kB');
    expect(formatPgSize(2 * 1024 ** 4)).toBe('2TB');
    expect(formatPgSize(1000)).toBe('0kB');
  });
});
