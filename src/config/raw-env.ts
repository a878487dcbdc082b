/** The process environment as the configuration readers see it: `loadEnvConfig` drops empty variables first. */
export type RawEnv = Readonly<Record<string, string | undefined>>;
