import { execFile } from "node:child_process";
import { generateKeyPair, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const generateKeyPairAsync = promisify(generateKeyPair);

export interface Pki {
  caCert: string;
  servingCert: string;
  servingKey: string;
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
}

// Only kube-apiserver's own names: it listens on loopback and nothing else ever reaches it.
const opensslConfig = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = zakenak
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[serving_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
`;

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileAsync("openssl", args);
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === "ENOENT")
      throw new Error("openssl is not on PATH; it is needed for the control plane's certificates");
    throw new Error(`openssl ${args[0]} failed: ${stderr?.trim() || (error as Error).message}`);
  }
}

/** A throw-away CA, a serving certificate for 127.0.0.1 signed by it, and a service account key pair. */
export async function generatePki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = (name: string) => join(dir, name);
  const pki: Pki = {
    caCert: path("ca.crt"),
    servingCert: path("apiserver.crt"),
    servingKey: path("apiserver.key"),
    serviceAccountKey: path("sa.key"),
    serviceAccountPublicKey: path("sa.pub"),
  };
  const config = path("openssl.cnf");
  await writeFile(config, opensslConfig);
  const newEcKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  const caKey = path("ca.key");
  const csr = path("apiserver.csr");
  const serial = `0x${randomBytes(16).toString("hex")}`;
  const days = ["-days", "3650"];
  const ca = ["req", "-x509", "-config", config, "-extensions", "ca_ext", ...newEcKey, ...days];
  await openssl([...ca, "-keyout", caKey, "-out", pki.caCert, "-subj", "/CN=zakenak-test-ca"]);
  const request = ["req", "-new", "-config", config, ...newEcKey];
  await openssl([...request, "-keyout", pki.servingKey, "-out", csr, "-subj", "/CN=kube-apiserver"]);
  const sign = ["x509", "-req", "-in", csr, "-CA", pki.caCert, "-CAkey", caKey, "-set_serial", serial];
  const extensions = ["-extfile", config, "-extensions", "serving_ext"];
  await openssl([...sign, ...days, ...extensions, "-out", pki.servingCert]);
  // kube-apiserver documents RSA for service account tokens; node makes the pair without a round trip.
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  await writeFile(pki.serviceAccountKey, privateKey, { mode: 0o600 });
  await writeFile(pki.serviceAccountPublicKey, publicKey);
  return pki;
}
