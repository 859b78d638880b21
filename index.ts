// Pulumi entry point: the CLI calls the exported function and publishes its result as stack outputs.
import { run } from "./program";

export = () => run();
