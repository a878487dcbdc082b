import { clientNodeKubeConnection } from "./client-node-kube-connection.js";
import type { KubeConnection } from "./kube-connection.js";
import type { LoadedKubeconfig } from "./load-kubeconfig.js";
import { nativeKubeConnection } from "./native-kube-connection.js";
import { unsupportedKubeconfigFeature } from "./unsupported-kubeconfig-feature.js";

/**
 * The connection for the chosen context: our own loader for the common kubeconfigs (tokens, token files,
 * client certificates, basic auth, exec plugins), the client library for the rest. `connection.loader`
 * says which one it was. Reads certificate files, and may run an exec plugin.
 */
export async function openKubeConnection(loaded: LoadedKubeconfig): Promise<KubeConnection> {
  return unsupportedKubeconfigFeature(loaded) === undefined
    ? nativeKubeConnection(loaded)
    : clientNodeKubeConnection(loaded);
}
