// The `zakenak` command line run from the sources (bin/zakenak.js runs the build in dist/).
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
