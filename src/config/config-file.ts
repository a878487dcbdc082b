/** The file at the root of a planned directory that says what it deploys. */
export const CONFIG_FILE = ".zakenak.yaml";
