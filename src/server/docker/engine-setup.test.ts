// The flags archlab starts dockerd with: --live-restore, unless daemon.json sets it already
// (dockerd refuses a setting given both ways).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerdArgs } from "./engine-setup.ts";

const dir = mkdtempSync(path.join(tmpdir(), "archlab-daemon-json-"));
function daemonJson(text: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return file;
}

describe("dockerdArgs", () => {
  it("asks for live-restore when daemon.json is absent, unreadable or silent about it", () => {
    expect(dockerdArgs(path.join(dir, "absent.json"))).toEqual(["--live-restore"]);
    expect(dockerdArgs(daemonJson("{not json"))).toEqual(["--live-restore"]);
    expect(dockerdArgs(daemonJson('{"log-driver": "json-file"}'))).toEqual(["--live-restore"]);
  });

  it("leaves it to daemon.json when the file sets live-restore either way", () => {
    expect(dockerdArgs(daemonJson('{"live-restore": true}'))).toEqual([]);
    expect(dockerdArgs(daemonJson('{"live-restore": false}'))).toEqual([]);
  });
});
