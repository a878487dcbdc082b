import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { REDIS_PORT } from "../workers/worker-kit.js";

const dir = mkdtempSync(join(tmpdir(), "zakenak-notify-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, "server.yaml");
writeFileSync(
  config,
  [
    "repositories:",
    "  - match: acme/*",
    "notifications:",
    "  targets:",
    "    oncall: { type: webhook, urlEnv: ONCALL_URL, secretEnv: ONCALL_SECRET }",
    "  routes:",
    "    - targets: [oncall]",
    "",
  ].join("\n"),
);

async function run(command: string, env: NodeJS.ProcessEnv) {
  let stderr = "";
  const io = {
    stdout: { write: () => true, isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: {
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
      GITEA_URL: "http://127.0.0.1:1",
      GITEA_TOKEN: "t",
      GITEA_WEBHOOK_SECRET: "s",
      ZAKENAK_REPO_ALLOWLIST: "**",
      ...env,
    },
    cwd: dir,
  };
  const code = await main([command, "--server-config", config], io);
  return { code, stderr };
}

describe("serve and worker read the notification targets at start-up", () => {
  for (const command of ["serve", "worker"]) {
    it(`${command} refuses to start without a target's variable, naming the key and the variable`, async () => {
      const { code, stderr } = await run(command, { ONCALL_URL: "https://hooks.test/oncall" });
      expect(code).toBe(1);
      expect(stderr).toBe("zakenak: notifications.targets.oncall.secretEnv: ONCALL_SECRET is not set\n");
    });
  }

  it("never quotes the value of a variable it refuses", async () => {
    const { code, stderr } = await run("worker", {
      ONCALL_URL: "hooks.test/oncall?sig=tok3nValue99",
      ONCALL_SECRET: "x",
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      "zakenak: notifications.targets.oncall: the value of ONCALL_URL is not an http(s) URL\n",
    );
  });
});
