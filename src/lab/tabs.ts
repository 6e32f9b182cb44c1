// The terminal tabs a lab offers: its workstation first, then its `tabs:`, each a host with a
// terminal. The lab panel opens these; a lesson's ```bash host=NAME block must name one of them.
import type { LoadedLab } from "./loader.ts";

export function terminalTabs(lab: LoadedLab): string[] {
  const hosts = lab.lab.hosts;
  const tabs = [lab.lab.workstation, ...(lab.lab.tabs ?? [])].filter((h) => hosts[h]?.terminal);
  return [...new Set(tabs)];
}
