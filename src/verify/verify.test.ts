import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseLab } from "../lab/loader.ts";
import type { Grader } from "../server/grader/grader.ts";
import type { Provisioner } from "../server/provisioner/types.ts";
import { skipReason, verifyLab } from "./verify.ts";

// A lab that needs Istio's images (the shape of labs/istio); its id must equal its folder's name.
const root = mkdtempSync(path.join(tmpdir(), "archlab-verify-"));
mkdirSync(path.join(root, "istio"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const istio = parseLab(
  [
    "format: 1",
    "id: istio",
    "title: { zh: Istio, en: Istio }",
    "requires: { images: [docker.io/istio/pilot:1.13.9, docker.io/istio/proxyv2:1.13.9] }",
    "hosts: { workstation: { image: workstation } }",
    "workstation: workstation",
    "steps:",
    "  - id: split",
    "    title: { zh: 拆分, en: Split }",
    "    check: 'true'",
    "    solve: 'true'",
    "    wrong: [{ name: none, script: 'true' }]",
  ].join("\n"),
  path.join(root, "istio", "lab.yaml"),
);

/** A provisioner and grader that fail the test if verify tries to start the lab. */
const refuse = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error("verify started a lab whose images are missing");
    },
  },
);

describe("requires.images", () => {
  it("skips the istio lab, never passes it, when the engine lacks its images", async () => {
    const cases = await verifyLab(istio, {
      provisioner: refuse as Provisioner,
      grader: refuse as Grader,
      hasImage: () => false,
    });
    expect(cases).toHaveLength(1);
    expect(cases[0]?.status).toBe("skipped");
    expect(cases[0]?.message).toContain("docker.io/istio/pilot:1.13.9");
    expect(cases[0]?.message).toContain("docker.io/istio/proxyv2:1.13.9");
    expect(cases[0]?.message).toContain("docker save");
    expect(cases[0]?.message).toContain("docker load");
  });

  it("names only the missing images", () => {
    const reason = skipReason(
      istio,
      (ref) => ref.includes("pilot"),
      () => [],
    );
    expect(reason).toContain("proxyv2");
    expect(reason).not.toContain("istio/pilot");
  });

  it("gives no reason when every image is there", () => {
    expect(
      skipReason(
        istio,
        () => true,
        () => [],
      ),
    ).toBeUndefined();
  });
});
