/** Options every renderer takes. Colour is decided once, by the CLI. */
export interface RenderOptions {
  readonly color: boolean;
  /** Label for the input, e.g. a configuration file name. */
  readonly title?: string;
}
