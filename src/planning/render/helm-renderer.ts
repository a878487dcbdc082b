import { debuglog } from "node:util";
import { ZakenakError } from "../../errors.js";
import { goToolEnv } from "./go-tool-env.js";
import { RenderServiceClient, type RenderServiceRequest } from "./render-service-client.js";
import { renderServicePath } from "./render-service-path.js";

const debug = debuglog("zakenak");

/** How charts are rendered: the long-lived render service, or one `helm template` process per chart. */
export type HelmRenderer = { kind: "service"; client: RenderServiceClient } | { kind: "binary" };

let shared: RenderServiceClient | undefined;
let sharedBinary: string | undefined;
let fallbackSaid = false;

/**
 * The renderer for this process. `ZAKENAK_HELM_RENDERER=service|binary` forces one; unset, the render
 * service is used when it is built and no `ZAKENAK_HELM` names a helm binary, else the helm binary. With
 * NODE_DEBUG=zakenak the choice is logged: the fallback once, the service's path whenever its client is made.
 * The service client is shared by every plan in the process and starts on its first render.
 */
export function helmRenderer(env: NodeJS.ProcessEnv = process.env): HelmRenderer {
  const forced = env.ZAKENAK_HELM_RENDERER;
  if (forced !== undefined && forced !== "" && forced !== "service" && forced !== "binary") {
    throw new ZakenakError(
      "config-invalid",
      `ZAKENAK_HELM_RENDERER=${forced}: must be "service" or "binary"`,
    );
  }
  // A helm binary named explicitly (ZAKENAK_HELM) is the one meant to render, unless the service is forced.
  if (forced === "binary" || (forced !== "service" && env.ZAKENAK_HELM)) return { kind: "binary" };
  const binary = renderServicePath(env);
  if (binary === undefined) {
    if (forced === "service") {
      throw new ZakenakError(
        "tool-missing",
        "ZAKENAK_HELM_RENDERER=service, but the render service is not built: run scripts/build-render-service.sh or set ZAKENAK_RENDER_SERVICE",
      );
    }
    if (!fallbackSaid) {
      fallbackSaid = true;
      debug(
        "render service not built (scripts/build-render-service.sh): rendering charts with the helm binary",
      );
    }
    return { kind: "binary" };
  }
  if (!shared || sharedBinary !== binary) {
    void shared?.close();
    shared = new RenderServiceClient(binary, goToolEnv({ HELM_NO_PLUGINS: "1" }));
    sharedBinary = binary;
    debug("rendering charts with the render service %s", binary);
  }
  return { kind: "service", client: shared };
}

/** Ends the shared render service, if one was started (a worker calls this on shutdown). */
export async function closeRenderService(): Promise<void> {
  const client = shared;
  shared = undefined;
  sharedBinary = undefined;
  await client?.close();
}

export type { RenderServiceRequest };
