import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube-object.js";
import { validateObjects } from "../../src/validation/validate-objects.js";
import { configMap, container, deployment, findingsOf, ingress, rendered, service } from "./helpers.js";

const messages = (rule: string, ...objects: KubeObject[]) =>
  findingsOf(rule, ...objects).map((f) => f.message);

describe("schema rule", () => {
  it("passes valid Deployment, Service, ConfigMap, Namespace and Ingress with zero schema findings", () => {
    const namespace: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "prod" } };
    const objects = [deployment(), service(), configMap(), namespace, ingress()];
    const findings = validateObjects(objects.map((o) => rendered(o)));
    expect(findings.filter((f) => f.rule === "schema" || f.rule === "unknown-kind")).toEqual([]);
  });

  it("reports an unknown field with its path", () => {
    const d = deployment();
    (d.spec as Record<string, unknown>).replica = 3;
    const [f, ...rest] = findingsOf("schema", d);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      rule: "schema",
      severity: "error",
      object: "Deployment/prod/web",
      file: "apps/web/deployment.yaml",
      line: 1,
      message: "unknown field spec.replica",
    });
  });

  it("reports unknown fields deep in a pod template and in metadata", () => {
    const d = deployment({ container: { imagePullPolicyy: "Always" } });
    (d.metadata as Record<string, unknown>).label = { a: "b" };
    expect(messages("schema", d).sort()).toEqual([
      "unknown field metadata.label",
      "unknown field spec.template.spec.containers[0].imagePullPolicyy",
    ]);
  });

  it("accepts any keys in maps (labels, annotations, data, resources)", () => {
    const d = deployment({
      container: { resources: { limits: { cpu: 1, memory: "1Gi", "nvidia.com/gpu": 1 } } },
    });
    expect(messages("schema", d, configMap())).toEqual([]);
  });

  it("does not look inside free-form fields", () => {
    const crd: KubeObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { kind: "Widget", plural: "widgets" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                description: "A widget.",
                "x-kubernetes-preserve-unknown-fields": true,
                properties: {
                  spec: {
                    type: "object",
                    description: "Spec.",
                    default: { anything: { goes: 1 } },
                    "x-kubernetes-validations": [{ rule: "self.size > 0" }],
                  },
                },
              },
            },
          },
        ],
      },
    };
    expect(messages("schema", crd)).toEqual([]);
    const schemaProps = (crd.spec as { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] })
      .versions[0]?.schema.openAPIV3Schema;
    if (schemaProps) schemaProps.typ = "object";
    expect(messages("schema", crd)).toEqual(["unknown field spec.versions[0].schema.openAPIV3Schema.typ"]);
  });

  it("reports wrong types and enum values with the field path", () => {
    const d = deployment({ container: { imagePullPolicy: "Sometimes", ports: [{ containerPort: "80" }] } });
    (d.spec as Record<string, unknown>).replicas = "two";
    expect(messages("schema", d).sort()).toEqual([
      "spec.replicas: must be an integer (got string)",
      "spec.template.spec.containers[0].imagePullPolicy: must be one of Always, IfNotPresent, Never",
      "spec.template.spec.containers[0].ports[0].containerPort: must be an integer (got string)",
    ]);
  });

  it("merges IntOrString and Quantity alternatives into one message", () => {
    const s = service();
    ((s.spec as { ports: Record<string, unknown>[] }).ports[0] as Record<string, unknown>).targetPort = true;
    const d = deployment({ container: { resources: { limits: { cpu: "lots", memory: "1Gi" } } } });
    expect(messages("schema", s)).toEqual([
      "spec.ports[0].targetPort: must be a string or an integer (got boolean)",
    ]);
    expect(messages("schema", d)).toEqual([
      "spec.template.spec.containers[0].resources.limits.cpu: must be a quantity such as 500m, 2 or 1Gi",
    ]);
  });

  it("reports missing required fields", () => {
    const d = deployment({ container: { name: undefined } });
    const c = (d.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec
      .containers[0] as Record<string, unknown>;
    delete c.name;
    delete (d.spec as Record<string, unknown>).selector;
    expect(messages("schema", d).sort()).toEqual([
      "missing required field spec.selector",
      "missing required field spec.template.spec.containers[0].name",
    ]);
  });

  it("never echoes Secret values, even for wrongly typed data", () => {
    const secret: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db", namespace: "prod" },
      data: { password: 12345678, token: "hunter2-not-base64!" },
      stringData: { apiKey: { nested: "s3cr3t-value" } },
    };
    const findings = findingsOf("schema", secret);
    expect(findings.map((f) => f.message).sort()).toEqual([
      "data.password: must be a string (got integer)",
      "data.token: must be base64-encoded",
      "stringData.apiKey: must be a string (got object)",
    ]);
    const all = JSON.stringify(validateObjects([rendered(secret)]));
    for (const value of ["12345678", "hunter2", "s3cr3t"]) expect(all).not.toContain(value);
  });

  it("warns about kinds without a schema instead of failing", () => {
    const widget: KubeObject = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w", namespace: "prod" },
      spec: { size: "large" },
    };
    const findings = validateObjects([rendered(widget)]);
    expect(findings).toEqual([
      {
        rule: "unknown-kind",
        severity: "warning",
        file: "apps/web/deployment.yaml",
        line: 1,
        object: "Widget/prod/w",
        message: "no schema for example.com/v1 Widget; not validated",
      },
    ]);
  });

  it("treats nested types and odd apiVersions as unknown kinds", () => {
    const odd: KubeObject[] = [
      { apiVersion: "apps/v1", kind: "DeploymentSpec", metadata: { name: "x" } },
      { apiVersion: "../../etc/v1", kind: "Passwd", metadata: { name: "x" } },
      { apiVersion: "apps/v9", kind: "Deployment", metadata: { name: "x", namespace: "a" } },
    ];
    expect(odd.flatMap((o) => findingsOf("unknown-kind", o)).map((f) => f.severity)).toEqual([
      "warning",
      "warning",
      "warning",
    ]);
  });

  it("reports a missing kind as a schema error", () => {
    const broken = { apiVersion: "v1", metadata: { name: "x" } } as unknown as KubeObject;
    expect(messages("schema", broken)).toEqual(["missing required field kind"]);
  });

  it("accepts containers with every clean field set", () => {
    expect(messages("schema", deployment({ container: container({ args: ["--port", "8080"] }) }))).toEqual(
      [],
    );
  });
});
