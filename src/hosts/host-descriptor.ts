import type { RequestHandler } from "express";
import type { RawEnv } from "../config/raw-env.js";
import type { IntakeDeps } from "../server/settle-delivery.js";
import type { GitHost } from "./git-host.js";
import type { HostKind, RepoRef } from "./host-event.js";

/** A variable a host needs; a list names spellings of which one is enough (a key, or the key's file). */
export type HostVariable = string | readonly [string, ...string[]];

/**
 * Everything the server, the workers and the configuration know about one Git host. Each host's folder
 * exports one; src/hosts/host-registry.ts lists them. The factories import the host's webhook and
 * adapter code only when called, so an unconfigured host's libraries are never loaded.
 *
 * The functions are declared as methods on purpose: method parameters are checked bivariantly, which
 * lets one list hold descriptors whose settings differ.
 */
export interface HostDescriptor<Kind extends HostKind = HostKind, Settings = unknown> {
  readonly kind: Kind;
  /** As messages name the host, e.g. `GitHub`. */
  readonly name: string;
  /** Where the host posts its webhooks, e.g. `/api/gitea/webhooks`. */
  readonly webhookPath: string;
  /** The variables that enable the host, in the order messages name them. */
  readonly variables: readonly HostVariable[];
  /**
   * The host's settings; undefined when none of its variables are set. A bad value, or a missing one
   * while others are set, throws `ZakenakError("config-invalid")` naming the variable, never its value.
   */
  readEnv(env: RawEnv): Settings | undefined;
  /** The intake route's handler: checks the request is the host's, normalizes the event, enqueues it. */
  webhook(deps: IntakeDeps, settings: Settings): Promise<RequestHandler>;
  /** The workers' client for each repository, called once per process; clients are made on first use. */
  gitHosts(settings: Settings): (repo: RepoRef) => Promise<GitHost>;
}
