/** The JSON renderer: the report as-is, one document, stable key order from the contract. */
export function renderJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
