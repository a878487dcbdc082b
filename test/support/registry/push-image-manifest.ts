import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/** What a push needs of a running registry (`startOciRegistry`'s result fits). */
export interface RegistryEndpoint {
  url: string;
  username?: string;
  password?: string;
}

const MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

/**
 * Writes a minimal image to `repo:tag` through the distribution API: one layer (a gzipped tar holding
 * one file), its config and an OCI image manifest naming both. Returns the manifest's digest, as the
 * registry reports it.
 */
export async function pushImageManifest(
  registry: RegistryEndpoint,
  repo: string,
  tag: string,
): Promise<{ digest: string }> {
  const tar = tarWithOneFile("hello.txt", `hello from ${repo}:${tag}\n`);
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Cmd: ["/hello"] },
      rootfs: { type: "layers", diff_ids: [sha256(tar)] },
    }),
  );
  await pushBlob(registry, repo, layer);
  await pushBlob(registry, repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          digest: sha256(layer),
          size: layer.length,
        },
      ],
    }),
  );
  const res = await call(registry, "PUT", `/v2/${repo}/manifests/${tag}`, manifest, {
    "Content-Type": MANIFEST_TYPE,
  });
  await expectStatus(res, 201, `PUT manifest ${repo}:${tag}`);
  const digest = res.headers.get("docker-content-digest") ?? sha256(manifest);
  return { digest };
}

/** A monolithic blob upload: POST opens the upload session, PUT with the digest completes it. */
async function pushBlob(registry: RegistryEndpoint, repo: string, blob: Buffer): Promise<void> {
  const digest = sha256(blob);
  const start = await call(registry, "POST", `/v2/${repo}/blobs/uploads/`);
  await expectStatus(start, 202, `POST blob upload to ${repo}`);
  const location = start.headers.get("location");
  if (!location) throw new Error(`POST blob upload to ${repo}: no Location header`);
  const target = new URL(location, registry.url);
  target.searchParams.set("digest", digest);
  const done = await call(registry, "PUT", target.pathname + target.search, blob, {
    "Content-Type": "application/octet-stream",
  });
  await expectStatus(done, 201, `PUT blob ${digest} to ${repo}`);
}

/**
 * One request with the registry's credentials: Basic at first (htpasswd registries take it as is); a
 * Bearer challenge is answered by asking its realm for a token with the same credentials, then retried.
 */
async function call(
  registry: RegistryEndpoint,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<Response> {
  const basic =
    registry.username !== undefined
      ? `Basic ${Buffer.from(`${registry.username}:${registry.password ?? ""}`).toString("base64")}`
      : undefined;
  const send = (authorization: string | undefined) =>
    fetch(new URL(path, registry.url), {
      method,
      headers: { ...(authorization ? { Authorization: authorization } : {}), ...headers },
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
  const first = await send(basic);
  const challenge = first.headers.get("www-authenticate") ?? "";
  if (first.status !== 401 || !/^Bearer\s/i.test(challenge)) return first;
  await first.body?.cancel();
  const params = Object.fromEntries(
    [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
  );
  const tokenUrl = new URL(params.realm ?? "");
  if (params.service) tokenUrl.searchParams.set("service", params.service);
  if (params.scope) tokenUrl.searchParams.set("scope", params.scope);
  const tokenRes = await fetch(tokenUrl, { headers: basic ? { Authorization: basic } : {} });
  if (!tokenRes.ok)
    throw new Error(`token request to ${params.realm}: ${tokenRes.status} ${await tokenRes.text()}`);
  const { token } = (await tokenRes.json()) as { token: string };
  return send(`Bearer ${token}`);
}

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status === status) {
    await res.body?.cancel();
    return;
  }
  throw new Error(`${what}: expected ${status}, got ${res.status}: ${await res.text()}`);
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** A ustar archive holding one regular file: enough for a layer the registry and runtimes accept. */
function tarWithOneFile(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => header.write(text, offset, length, "ascii");
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, "0");
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(data.length, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\u000000", 257, 8);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(`${octal(sum, 7)}\u0000 `, 148, 8);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]);
}
