import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Command, parseCommand } from "../../src/commands/parse-command.js";
import { fuzzParameters } from "./fuzz-settings.js";

const ENV = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A command's fields as the workers read them: a known name, an environment name, a real revision. */
function commandHoles(command: Command): string[] {
  const holes: string[] = [];
  if (!["plan", "rollback", "unlock", "history", "help"].includes(command.name)) holes.push("name");
  if ("environment" in command && command.environment !== undefined && !ENV.test(command.environment)) {
    holes.push("environment");
  }
  if ("to" in command && command.to !== undefined && !(Number.isSafeInteger(command.to) && command.to > 0)) {
    holes.push("to");
  }
  return holes;
}

// Comment bodies built from the pieces commands are made of, so the search reaches the parser's branches.
const pieceArb = fc.oneof(
  fc.constantFrom(
    "/plan",
    "/rollback",
    "/unlock",
    "/history",
    "/help",
    "@zakenak",
    "@bot:",
    "to",
    "dev",
    "prod",
  ),
  fc.constantFrom("```", "~~~", "\n", "\r\n", " ", "\t", "/", "0", "-1", "99999999999999999999", "Prod", "é"),
  fc.string({ maxLength: 12 }),
);
const bodyArb = fc.oneof(
  fc.array(pieceArb, { maxLength: 12 }).map((parts) => parts.join(" ")),
  fc.array(pieceArb, { maxLength: 12 }).map((parts) => parts.join("")),
  fc.string({ unit: "binary", maxLength: 300 }),
);

describe("comment command parser under fuzzing", () => {
  it("never throws, and every command it returns is whole", () => {
    fc.assert(
      fc.property(
        bodyArb,
        fc.array(fc.constantFrom("bot", "@zakenak-bot", ""), { maxLength: 2 }),
        (body, mentions) => {
          const parsed = parseCommand(body, mentions);
          expect(["none", "command", "invalid"]).toContain(parsed.kind);
          if (parsed.kind === "command") {
            expect(commandHoles(parsed.command), JSON.stringify(parsed)).toEqual([]);
            expect(body).toContain(parsed.text);
          }
          if (parsed.kind === "invalid") expect(parsed.message.length).toBeGreaterThan(0);
        },
      ),
      fuzzParameters(2000),
    );
  });

  it("never reads a command from inside a fenced code block", () => {
    fc.assert(
      fc.property(bodyArb, fc.constantFrom("```", "~~~"), (inner, fence) => {
        const body = `${fence}\n${inner.replaceAll("```", "").replaceAll("~~~", "")}\n${fence}`;
        expect(parseCommand(body).kind).toBe("none");
      }),
      fuzzParameters(1000),
    );
  });
});
