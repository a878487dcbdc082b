/**
 * A Kubernetes MicroTime (`2006-01-02T15:04:05.000000Z`), the format Lease times must use: the API
 * server rejects plain RFC 3339 timestamps there. JavaScript clocks stop at milliseconds.
 */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Parses a MicroTime or RFC 3339 time; undefined for a missing or unparsable value. */
export function parseKubeTime(value: unknown): Date | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
