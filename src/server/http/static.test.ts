import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { instructorCookie, learnerCookie, overTls, readCookie } from "./cookies.ts";
import { resolveStatic } from "./static.ts";

const root = mkdtempSync(path.join(tmpdir(), "archlab-static-"));
mkdirSync(path.join(root, "zh/lesson"), { recursive: true });
writeFileSync(path.join(root, "index.html"), "home");
writeFileSync(path.join(root, "zh/lesson/index.html"), "lesson");
writeFileSync(path.join(tmpdir(), "archlab-secret.txt"), "secret");

describe("resolveStatic", () => {
  it("finds files and folder index pages", () => {
    expect(resolveStatic(root, "/")).toBe(path.join(root, "index.html"));
    expect(resolveStatic(root, "/zh/lesson/")).toBe(path.join(root, "zh/lesson/index.html"));
    expect(resolveStatic(root, "/zh/lesson?x=1")).toBe(path.join(root, "zh/lesson/index.html"));
  });
  it("never leaves the site folder", () => {
    expect(resolveStatic(root, "/../archlab-secret.txt")).toBeUndefined();
    expect(resolveStatic(root, "/%2e%2e/archlab-secret.txt")).toBeUndefined();
    expect(resolveStatic(root, "/..%2farchlab-secret.txt")).toBeUndefined();
    expect(resolveStatic(root, "/%00")).toBeUndefined();
    expect(resolveStatic(root, "/%E0%A4%A")).toBeUndefined();
  });
});

describe("learner cookie", () => {
  it("is HttpOnly and SameSite=Strict, and reads back", () => {
    const header = learnerCookie("tok_123");
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    expect(readCookie(`a=1; ${header.split(";")[0]}; b=2`, "archlab_learner")).toBe("tok_123");
    expect(readCookie(undefined, "archlab_learner")).toBeUndefined();
  });
});

describe("cookies under TLS", () => {
  it("carry Secure only when the request came over TLS", () => {
    expect(learnerCookie("t")).not.toMatch(/Secure/);
    expect(learnerCookie("t", true)).toMatch(/; Secure$/);
    expect(instructorCookie("k")).not.toMatch(/Secure/);
    expect(instructorCookie("k", true)).toMatch(/; Secure$/);
    const req = (socket: object) => ({ socket }) as unknown as Parameters<typeof overTls>[0];
    expect(overTls(req({ encrypted: true }))).toBe(true);
    expect(overTls(req({}))).toBe(false);
  });
});
