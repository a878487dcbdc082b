import type http from "node:http";

/** Request headers that carry credentials; impersonated groups repeat a header, hence the arrays. */
export type AuthHeaders = Record<string, string | string[]>;

/** A client certificate and its private key, PEM. */
export interface ClientCertificate {
  cert: Buffer | string;
  key: Buffer | string;
}

export interface KubeTls {
  /** CA bundle the server certificate must chain to; the system's roots when absent. */
  ca?: Buffer | string;
  /** Static client certificate from the kubeconfig; exec plugins hand theirs out through `clientCertificate`. */
  cert?: Buffer | string;
  key?: Buffer | string;
  insecureSkipTlsVerify: boolean;
  /** Name to expect in the server certificate (and to send as SNI) instead of the URL's host. */
  serverName?: string;
}

/**
 * Everything needed to talk to one API server as one user, independent of how the kubeconfig was read:
 * by our own loader, or by `@kubernetes/client-node` for what ours leaves to it.
 */
export interface KubeConnection {
  /** https URL of the API server, without a trailing slash; may carry a path prefix. */
  server: string;
  tls: KubeTls;
  /** Credentials to send with a request. Cheap when `staticAuth`; may run an exec plugin otherwise. */
  authHeaders(): Promise<AuthHeaders>;
  /** True when `authHeaders` always returns the same headers, so they can be fetched once. */
  staticAuth: boolean;
  /**
   * For credentials that come with a client certificate of their own (exec plugins): the certificate
   * that goes with the headers `authHeaders` returned last. A new object means a new certificate.
   */
  clientCertificate?(): ClientCertificate | undefined;
  /** Told about a 401, so cached credentials are fetched afresh for the next request. */
  authRejected?(): void;
  /** A ready agent (proxy tunnels), used as is instead of a pool built from `tls`. */
  agent?: http.Agent;
  /** The context's namespace, if it names one. */
  namespace: string | undefined;
  /** Where the configuration came from, for messages: a path, `KUBECONFIG=…`, or `in-cluster service account`. */
  source: string;
  contextName: string;
  /** Which loader produced this: ours, or the client library for configurations ours does not handle. */
  loader: "native" | "client-node";
}
