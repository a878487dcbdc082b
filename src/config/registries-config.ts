import { z } from "zod";
import { harborSchema } from "./harbor-config.js";

/** `registry.example.com`, `registry.example.com:5000`, `127.0.0.1:5000`: a registry as image and chart references name it. */
const REGISTRY_HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");
const absoluteFile = z.string().startsWith("/", "must be an absolute path");

/**
 * How Zakenak reaches one registry (OCI registries and Helm HTTP repositories alike). Secrets are named,
 * never written here: the password comes from an environment variable or a file, so the configuration
 * can be shared and logged.
 */
export const registryEntrySchema = z
  .strictObject({
    host: z
      .string()
      .regex(REGISTRY_HOST, "must be a registry host (registry.example.com, 127.0.0.1:5000), not a URL"),
    /** The user name (not a secret), or the variable holding it. */
    username: z.string().min(1).optional(),
    usernameEnv: envName.optional(),
    passwordEnv: envName.optional(),
    passwordFile: absoluteFile.optional(),
    /** PEM certificates to trust for this host besides the system's (a private CA). */
    caFile: absoluteFile.optional(),
    /** Plain HTTP instead of HTTPS, for a local registry (as `helm --plain-http`). */
    plainHttp: z.boolean().default(false),
    /** The registry is a Harbor: its API, and the scan and signature policy per environment. */
    harbor: harborSchema.optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (r.username !== undefined && r.usernameEnv !== undefined)
      issue("set username or usernameEnv, not both", "usernameEnv");
    if (r.passwordEnv !== undefined && r.passwordFile !== undefined)
      issue("set passwordEnv or passwordFile, not both", "passwordFile");
    const user = r.username !== undefined || r.usernameEnv !== undefined;
    const password = r.passwordEnv !== undefined || r.passwordFile !== undefined;
    if (user && !password) issue("a user name needs passwordEnv or passwordFile", "passwordEnv");
    if (password && !user) issue("a password needs username or usernameEnv", "username");
  });

export const registriesSchema = z.array(registryEntrySchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((r, i) => {
    const key = r.host.toLowerCase();
    if (seen.has(key))
      ctx.addIssue({ code: "custom", path: [i, "host"], message: `duplicate registry "${r.host}"` });
    seen.add(key);
  });
});

export type RegistryEntry = z.infer<typeof registryEntrySchema>;
