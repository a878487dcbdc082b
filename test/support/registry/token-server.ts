import { generateKeyPairSync, type KeyObject, randomBytes, sign, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TokenServer {
  /** The realm the registry names in its `WWW-Authenticate: Bearer` challenges. */
  realm: string;
  service: string;
  issuer: string;
  /** The JWK set the registry verifies tokens with (its `auth.token.jwks` file). */
  jwks: { keys: object[] };
  /** Token requests received, for tests that assert the flow took place. */
  requests: { scope: string[]; user?: string }[];
  close(): Promise<void>;
}

/**
 * The token service of the distribution token-auth flow (what Docker Hub, ghcr.io and Harbor run): a
 * client that got a Bearer challenge asks GET realm?service=…&scope=… with Basic credentials and gets a
 * JWT (ES256) granting the scopes it asked for. Wrong or missing credentials get 401.
 */
export async function startTokenServer(auth: { username: string; password: string }): Promise<TokenServer> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const kid = randomBytes(8).toString("hex");
  const service = "zakenak-test-registry";
  const issuer = "zakenak-test-token-issuer";
  const requests: TokenServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://token");
    const scope = url.searchParams.getAll("scope").flatMap((s) => s.split(" ").filter(Boolean));
    const user = basicUser(req.headers.authorization, auth);
    requests.push({ scope, ...(user ? { user } : {}) });
    if (url.pathname !== "/token" || user === undefined) {
      res.writeHead(401, { "Content-Type": "application/json" }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub: user,
      aud: url.searchParams.get("service") ?? service,
      iat: now,
      nbf: now - 10,
      exp: now + 300,
      jti: randomBytes(8).toString("hex"),
      access: scope.map(toAccess),
    };
    const token = jwt({ alg: "ES256", typ: "JWT", kid }, claims, privateKey);
    res
      .writeHead(200, { "Content-Type": "application/json" })
      .end(
        JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    jwks: { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" }] },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `repository:team/app:pull,push` → `{ type, name, actions }`; a name may itself hold colons (a port). */
function toAccess(scope: string): { type: string; name: string; actions: string[] } {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(",")
      .filter(Boolean),
  };
}

function basicUser(
  header: string | undefined,
  auth: { username: string; password: string },
): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, "base64").toString("utf8");
  const expected = Buffer.from(`${auth.username}:${auth.password}`);
  const given = Buffer.from(decoded);
  return given.length === expected.length && timingSafeEqual(given, expected) ? auth.username : undefined;
}

function jwt(header: object, claims: object, key: KeyObject): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${part(header)}.${part(claims)}`;
  // JWS wants the raw r||s pair for ES256, not the DER signature Node produces by default.
  const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${signature.toString("base64url")}`;
}
