import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/parse-command.js";

describe("parseCommand", () => {
  it.each([
    ["/help", { name: "help" }],
    ["/plan", { name: "plan" }],
    ["/plan dev", { name: "plan", environment: "dev" }],
    ["/PLAN dev", { name: "plan", environment: "dev" }],
    ["/history prod", { name: "history", environment: "prod" }],
    ["/unlock", { name: "unlock" }],
    ["/unlock dev", { name: "unlock", environment: "dev" }],
    ["/rollback", { name: "rollback" }],
    ["/rollback dev", { name: "rollback", environment: "dev" }],
    ["/rollback to 3", { name: "rollback", to: 3 }],
    ["/rollback TO 3", { name: "rollback", to: 3 }],
    ["/rollback dev to 12", { name: "rollback", environment: "dev", to: 12 }],
    ["@zakenak plan dev", { name: "plan", environment: "dev" }],
    ["@zakenak /rollback prod to 2", { name: "rollback", environment: "prod", to: 2 }],
    ["@Zakenak: help", { name: "help" }],
    ["  /plan   dev  ", { name: "plan", environment: "dev" }],
    ["Thanks!\n\n/rollback dev\n/plan", { name: "rollback", environment: "dev" }],
    ["Some text\r\n@zakenak history", { name: "history" }],
  ])("%j is %j", (body, command) => {
    expect(parseCommand(body)).toMatchObject({ kind: "command", command });
  });

  it("keeps the command line as typed, for replies and the audit log", () => {
    expect(parseCommand("Please\n  /rollback dev to 2  \nthanks")).toEqual({
      kind: "command",
      command: { name: "rollback", environment: "dev", to: 2 },
      text: "/rollback dev to 2",
    });
  });

  it.each([
    ["/deploy", "unknown command `/deploy`"],
    ["/frobnicate now please", "unknown command `/frobnicate`"],
    ["/help me", "`/help` takes no arguments"],
    ["/plan dev prod", "`/plan` takes at most one environment"],
    ["/unlock Dev!", "`Dev!` is not an environment name"],
    ["/history ../etc", "`../etc` is not an environment name"],
    ["/rollback to", "`/rollback` takes `[env] [to <revision>]`"],
    ["/rollback dev 3", "`/rollback` takes `[env] [to <revision>]`"],
    ["/rollback dev to 3 now", "`/rollback` takes `[env] [to <revision>]`"],
    ["/rollback to x", "revision must be a positive whole number, not `x`"],
    ["/rollback to 0", "revision must be a positive whole number, not `0`"],
    ["/rollback to -1", "revision must be a positive whole number, not `-1`"],
    ["/rollback to 1.5", "revision must be a positive whole number, not `1.5`"],
    ["@zakenak", "the mention names no command"],
    ["@zakenak dance", "unknown command `/dance`"],
  ])("%j is invalid: %s", (body, message) => {
    expect(parseCommand(body)).toMatchObject({ kind: "invalid", message });
  });

  it.each([
    [""],
    ["LGTM"],
    ["See /docs/setup.md for details"],
    ["/docs/setup.md is out of date"],
    ["ping @zakenak plan"],
    ["@someone-else plan dev"],
    ["```\n/rollback dev\n```"],
    ["~~~sh\n/unlock\n~~~\nnothing else"],
    ["> /rollback dev"],
  ])("%j holds no command", (body) => {
    expect(parseCommand(body)).toEqual({ kind: "none" });
  });

  it("answers a mention of the bot's own user name too", () => {
    expect(parseCommand("@zakenak-bot[bot] plan", ["zakenak-bot[bot]"])).toMatchObject({
      kind: "command",
      command: { name: "plan" },
    });
    expect(parseCommand("@other-bot plan", ["zakenak-bot"])).toEqual({ kind: "none" });
  });

  it("quotes hostile input safely in its messages", () => {
    const parsed = parseCommand("/rollback to `x`");
    expect(parsed).toMatchObject({
      kind: "invalid",
      message: "revision must be a positive whole number, not `` `x` ``",
    });
  });
});
