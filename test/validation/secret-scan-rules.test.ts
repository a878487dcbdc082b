import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { scanText } from "../../src/validation/secret-scan/scan-text.js";

const random = (n: number) => `Q${randomBytes(n).toString("base64url")}4`;
const linesOf = async (text: string, path = "values.yaml") => (await scanText(path, text)).map((h) => h.line);

describe("what the secret scan leaves alone", () => {
  it("names, references, templates, placeholders and low-entropy values under secret-like keys", async () => {
    const text = [
      "existingSecret: my-app-credentials",
      "secretName: wildcard-tls-prod",
      "passwordKey: admin-password",
      "password: {{ .Values.db.password | b64enc }}",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style variable, as a values file has it
      'token: "${GITHUB_TOKEN}"',
      "apiKey: REPLACE_WITH_YOUR_KEY",
      "password: changeme-example-1234",
      "password: aaaaaaaaaaaaaaaa1",
      "tokenUrl: https://auth.acme.internal/oauth/token",
      "secretKeyRef: { name: db, key: password }",
      "clientSecretPath: /var/run/secrets/client",
      "  checksum/secret: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/external-dns",
      "aws_account_id: 123456789012",
      'const token = randomBytes(32).toString("hex");',
      "  ...(url.password ? { password: decodeURIComponent(url.password) } : {}),",
      "  passwordEnv: envName.optional(),",
      "-----BEGIN PRIVATE KEY-----",
      "...",
      "-----END PRIVATE KEY-----",
      "",
    ].join("\n");
    expect(await linesOf(text)).toEqual([]);
  });
});

describe("what the secret scan finds beyond secretlint's provider rules", () => {
  it("an env entry whose name is secret-like, its value on the next line", async () => {
    const text = [
      "env:",
      "  - name: DB_PASSWORD",
      `    value: ${random(18)}`,
      "  - name: LOG_LEVEL",
      "    value: debug",
      "",
    ];
    expect(await linesOf(text.join("\n"), "deploy.yaml")).toEqual([3]);
  });

  it("dotenv, JSON and connection-string assignments", async () => {
    const text = [
      `DB_PASSWORD=${random(18)}`,
      `{ "client_secret": "${random(24)}" }`,
      `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${randomBytes(48).toString("base64")};EndpointSuffix=core.windows.net`,
      `args: ["--api-key=${random(20)}"]`,
      "",
    ].join("\n");
    expect(await linesOf(text, "mixed.txt")).toEqual([1, 2, 3, 4]);
  });

  it("an Ed25519 key, too short for secretlint's private key rule", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const hits = await scanText(
      "key.yaml",
      `signing:\n  key: |\n    ${pem.trim().split("\n").join("\n    ")}\n`,
    );
    expect(hits).toEqual([{ line: 3, endLine: 5, what: "a private key" }]);
  });

  it("a PEM key inside a JSON string", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ type: "sec1", format: "pem" }).toString();
    const text = `{\n  "private_key": ${JSON.stringify(pem)}\n}\n`;
    expect((await scanText("sa.json", text)).map((h) => [h.line, h.what])).toEqual([[2, "a private key"]]);
  });

  it("provider tokens by name: AWS access key ids, Slack, GitLab, Stripe, npm", async () => {
    const alnum = (n: number) =>
      randomBytes(n * 2)
        .toString("base64")
        .replace(/[^A-Za-z0-9]/g, "")
        .slice(0, n);
    const upper = (n: number) =>
      randomBytes(n * 2)
        .toString("hex")
        .toUpperCase()
        .slice(0, n);
    const text = [
      `aws_access_key_id: AKIA${upper(16)}`,
      `slack: xoxb-${Date.now()}12-${Date.now()}34-${alnum(24)}`,
      `gitlab: glpat-${alnum(20)}`,
      `stripe: sk_live_${alnum(24)}`,
      `registry: npm_${alnum(36)}`,
      "",
    ].join("\n");
    const hits = await scanText("tokens.yaml", text);
    expect(hits.map((h) => h.line)).toEqual([1, 2, 3, 4, 5]);
    expect(hits.map((h) => h.what)).toEqual([
      "an AWS Access Key ID",
      "a slack token",
      "a GitLab Personal Access Token",
      "a Stripe Live Secret Key",
      "an npm access token",
    ]);
  });
});
