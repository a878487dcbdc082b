import { readFileSync } from "node:fs";
import { parse } from "yaml";
const { toYaml, unifiedDiff } = await import("./dist/planning/diff-objects.js");
const { checkObjects } = await import("./dist/validation/validate-objects.js");
const { objectSize } = await import("./dist/validation/rules/object-size.js");
const { schema } = await import("./dist/validation/rules/schema.js");
const obj = parse(readFileSync("bench/work/large-input/repo/manifests/big.yaml", "utf8"));
const t = () => performance.now();
for (let r = 0; r < 3; r++) {
  let a = t(); const y = toYaml(obj); let b = t(); console.log("toYaml", (b - a).toFixed(0));
  a = t(); unifiedDiff("", y); b = t(); console.log("unifiedDiff", (b - a).toFixed(0));
  const item = { object: obj, release: "big", file: "f", line: 1 };
  a = t(); objectSize(item); b = t(); console.log("objectSize", (b - a).toFixed(0));
  a = t(); schema(item); b = t(); console.log("schema", (b - a).toFixed(0));
  a = t(); JSON.stringify(obj); b = t(); console.log("json", (b - a).toFixed(0));
}
