/** A Kubernetes object as rendered from Git or read from a cluster. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** One object out of a render, with where it came from so findings can point at it. */
export interface RenderedObject {
  object: KubeObject;
  release: string;
  /** Path relative to the repository root (for Helm: the template named in `# Source:`). */
  file: string;
  /** 1-based line of the document's start in `file`, when known. */
  line?: number;
}
