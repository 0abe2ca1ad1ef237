/** cli-table3's own width measure (ANSI colours stripped, East Asian wide characters counted twice). */
declare module 'cli-table3/src/utils.js' {
  /** The display width of the widest line of `text`. */
  export function strlen(text: string): number;
}
