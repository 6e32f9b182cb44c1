#!/usr/bin/env node
// Entry point of the `archlab` command: registers tsx so the TypeScript sources run as they are
// (no build step, no build output to keep in sync), then hands over to the CLI.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv);
