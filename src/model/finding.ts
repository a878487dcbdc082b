export type Severity = "error" | "warning" | "info";

/** A validation result: which rule, how bad, and where. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line?: number;
  /** `Kind/namespace/name` or `Kind/name`. */
  object?: string;
  message: string;
}
