import { generateKeyPairSync, randomBytes } from "node:crypto";
import { expect } from "vitest";

/** Secrets made for one test run: a real private key, a GitHub-format token and a random password. */
export interface PlantedSecrets {
  /** An RSA private key, PKCS#1 PEM. */
  privateKey: string;
  /** A classic GitHub personal access token: `ghp_` and 36 letters and digits. */
  token: string;
  /** Random base64url between a letter and a digit: high entropy, neither a path nor a name. */
  password: string;
}

export function plantSecrets(): PlantedSecrets {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const token = `ghp_${randomBytes(27)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "x")}`;
  const password = `Z${randomBytes(18).toString("base64url")}7`;
  return { privateKey: pem, token, password };
}

/**
 * A Helm values file holding the three secrets, and the line each starts on: the key at `keyLine`
 * (its BEGIN line), the token at `tokenLine`, the password at `passwordLine`.
 */
export function leakyValues(s: PlantedSecrets): {
  text: string;
  keyLine: number;
  tokenLine: number;
  passwordLine: number;
} {
  const key = s.privateKey.trim().split("\n");
  const lines = [
    "replicas: 2",
    "image: ghcr.io/acme/web:1.4.2",
    "tls:",
    "  key: |",
    ...key.map((l) => `    ${l}`),
    "github:",
    `  token: ${s.token}`,
    "database:",
    "  user: app",
    `  password: "${s.password}"`,
    "",
  ];
  return {
    text: lines.join("\n"),
    keyLine: 5,
    tokenLine: 5 + key.length + 1,
    passwordLine: 5 + key.length + 4,
  };
}

/** Every piece of the secrets that must appear in no output: the values and each line of the key. */
export function secretFragments(s: PlantedSecrets): string[] {
  const keyLines = s.privateKey.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"));
  return [s.token, s.password, ...keyLines];
}

/** Asserts that no piece of the secrets appears in `output`. */
export function expectNoSecret(output: string, s: PlantedSecrets, where = "output"): void {
  for (const fragment of secretFragments(s)) {
    expect(output.includes(fragment), `a secret value appears in ${where}`).toBe(false);
  }
}
