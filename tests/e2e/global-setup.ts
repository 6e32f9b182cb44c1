// Before the browser tests: lab images built and published (as for the integration tests), and
// the course site built.
import imagesSetup from "../integration/global-setup.ts";
import { buildSite } from "../../src/cli/commands/site.ts";

export default async function setup(): Promise<void> {
  await imagesSetup();
  const t0 = Date.now();
  await buildSite();
  console.log(`[setup] site built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
