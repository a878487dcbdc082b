import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { ZakenakError } from "../../src/errors.js";
import { loadRegistryAccess } from "../../src/registry/load-registry-access.js";

const ENVS = "environments:\n  - name: dev\n";

function problems(releases: string): string[] {
  try {
    parseConfig(`${ENVS}releases:\n${releases}`, ".zakenak.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ZakenakError);
    return (err as ZakenakError).message
      .split("\n")
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error("expected the config to be refused");
}

describe("remote charts in .zakenak.yaml", () => {
  it("accepts oci:// charts and Helm repository charts with exact versions", () => {
    const config = parseConfig(
      `${ENVS}releases:
  - name: certs
    chart: oci://registry.example.com:5000/charts/cert-manager
    version: v1.14.4
  - name: web
    repo: https://charts.example.com/stable/
    chart: webapp
    version: 1.2.3-rc.1+build.7
  - name: local
    chart: charts/app
`,
    );
    expect(config.releases.map((r) => [r.chart, r.repo, r.version])).toEqual([
      ["oci://registry.example.com:5000/charts/cert-manager", undefined, "v1.14.4"],
      ["webapp", "https://charts.example.com/stable/", "1.2.3-rc.1+build.7"],
      ["charts/app", undefined, undefined],
    ]);
  });

  it.each(["^1.2.3", "~1.2", "1.x", "1.2.*", ">=1.0.0", "*", "1.2", "1", ">1.0.0 <2.0.0", "1.0.0 || 2.0.0"])(
    "refuses the range %s, naming the release and the field",
    (range) => {
      expect(
        problems(
          `  - name: certs\n    chart: oci://registry.example.com/acme/certs\n    version: "${range}"\n`,
        ),
      ).toEqual([
        `.zakenak.yaml:6: releases[0].version: release certs: ${JSON.stringify(range)} is a version range; a remote chart needs an exact version such as "1.2.3", so that a plan can be reproduced`,
      ]);
    },
  );

  it("refuses what is not a version at all", () => {
    expect(
      problems(`  - name: certs\n    chart: oci://registry.example.com/acme/certs\n    version: latest\n`),
    ).toEqual([
      `.zakenak.yaml:6: releases[0].version: release certs: "latest" is not a SemVer version; a remote chart needs an exact version such as "1.2.3", so that a plan can be reproduced`,
    ]);
  });

  it("needs a version for a remote chart and refuses one for a local chart", () => {
    expect(
      problems(
        "  - name: a\n    chart: oci://registry.example.com/acme/a\n  - name: b\n    chart: charts/b\n    version: 1.0.0\n",
      ),
    ).toEqual([
      `.zakenak.yaml:4: releases[0].version: release a: a remote chart needs an exact version such as "1.2.3"`,
      ".zakenak.yaml:8: releases[1].version: release b: version only applies to a remote chart (oci://… or repo:); this chart is a directory",
    ]);
  });

  it("refuses malformed references and repositories", () => {
    expect(
      problems(
        [
          "  - name: a\n    chart: oci://registry.example.com/acme/a:1.0.0\n    version: 1.0.0",
          "  - name: b\n    chart: oci://registry.example.com/acme/b\n    repo: https://charts.example.com/\n    version: 1.0.0",
          "  - name: c\n    repo: https://user:pw@charts.example.com/\n    chart: c\n    version: 1.0.0",
          "  - name: d\n    repo: ftp://charts.example.com/\n    chart: sub/d\n    version: 1.0.0",
          "  - name: e\n    chart: https://charts.example.com/e-1.0.0.tgz",
          "  - name: f\n    repo: https://charts.example.com/\n",
        ].join("\n"),
      ),
    ).toEqual([
      ".zakenak.yaml:5: releases[0].chart: release a: must not carry a tag or digest: give the version in version:",
      ".zakenak.yaml:9: releases[1].repo: release b: an oci:// chart names its registry itself: drop repo",
      ".zakenak.yaml:12: releases[2].repo: release c: must not hold credentials: the operator configures them for the host (registries in the server configuration)",
      ".zakenak.yaml:16: releases[3].repo: release d: must be an http:// or https:// URL",
      ".zakenak.yaml:17: releases[3].chart: release d: with repo, chart is the chart's name in the repository (no path)",
      ".zakenak.yaml:20: releases[4].chart: release e: a chart URL is not supported: use oci://HOST/PATH/NAME, or repo: URL with chart: NAME",
      ".zakenak.yaml:21: releases[5]: needs one of chart, manifests or kustomize",
      ".zakenak.yaml:22: releases[5].repo: release f: repo needs chart: NAME (the chart's name in the repository)",
    ]);
  });
});

describe("registries in the server configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "zakenak-registries-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads credentials from the variables and files it names, never from the file itself", async () => {
    writeFileSync(join(dir, "password"), "from-a-file\n");
    writeFileSync(join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    const server = parseServerConfig(
      `registries:
  - host: registry.example.com
    usernameEnv: REGISTRY_USER
    passwordEnv: REGISTRY_TOKEN
  - host: registry.internal:5000
    username: deploy
    passwordFile: ${join(dir, "password")}
    caFile: ${join(dir, "ca.pem")}
  - host: 127.0.0.1:5000
    plainHttp: true
`,
      "server.yaml",
    );
    const access = await loadRegistryAccess({ REGISTRY_USER: "bot", REGISTRY_TOKEN: "a-token" }, server);
    expect(access).toEqual([
      { host: "registry.example.com", username: "bot", password: "a-token" },
      {
        host: "registry.internal:5000",
        username: "deploy",
        password: "from-a-file",
        ca: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      },
      { host: "127.0.0.1:5000", plainHttp: true },
    ]);
  });

  it("puts ZAKENAK_REGISTRY_CONFIG's entries first, so they win for a host in both", async () => {
    const file = join(dir, "registries.yaml");
    writeFileSync(
      file,
      "registries:\n  - host: registry.example.com\n    username: mine\n    passwordEnv: MINE\n",
    );
    const server = parseServerConfig(
      "registries:\n  - host: registry.example.com\n  - host: mirror.example.com\n",
      "server.yaml",
    );
    const access = await loadRegistryAccess({ ZAKENAK_REGISTRY_CONFIG: file, MINE: "secret" }, server);
    expect(access).toEqual([
      { host: "registry.example.com", username: "mine", password: "secret" },
      { host: "mirror.example.com" },
    ]);
  });

  it("refuses literal passwords, URLs as hosts and half-given credentials", () => {
    const text = `registries:
  - host: https://registry.example.com
  - host: registry.example.com
    username: bot
    password: hunter2
  - host: mirror.example.com
    username: bot
  - host: mirror.example.com
`;
    expect(() => parseServerConfig(text, "server.yaml")).toThrow(
      [
        "invalid server.yaml:",
        "  server.yaml:2: registries[0].host: must be a registry host (registry.example.com, 127.0.0.1:5000), not a URL",
        '  server.yaml:5: registries[1]: unknown key "password"',
        "  server.yaml:3: registries[1].passwordEnv: a user name needs passwordEnv or passwordFile",
        "  server.yaml:6: registries[2].passwordEnv: a user name needs passwordEnv or passwordFile",
        '  server.yaml:8: registries[3].host: duplicate registry "mirror.example.com"',
      ].join("\n"),
    );
  });

  it("stops at start with one line naming a variable that is not set", async () => {
    const server = parseServerConfig(
      "registries:\n  - host: registry.example.com\n    username: bot\n    passwordEnv: REGISTRY_TOKEN\n",
      "s.yaml",
    );
    await expect(loadRegistryAccess({}, server)).rejects.toThrow(
      "the server configuration: registries[0] (registry.example.com): the environment variable REGISTRY_TOKEN is not set",
    );
  });
});
