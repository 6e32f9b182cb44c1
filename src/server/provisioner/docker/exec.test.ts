import { describe, expect, it } from "vitest";
import { shellExecOptions } from "./exec.ts";

describe("shellExecOptions", () => {
  const size = { cols: 120, rows: 40 };

  it("opens a login TTY shell as the image's user in /root when no user is named", () => {
    const o = shellExecOptions(size);
    expect(o.Cmd).toEqual(["bash", "-l"]);
    expect(o.User).toBeUndefined();
    expect(o.WorkingDir).toBe("/root");
    expect(o.Tty).toBe(true);
    expect(o.Env).toContain("COLUMNS=120");
  });

  it("opens it as the named user, starting in that user's home", () => {
    const o = shellExecOptions(size, "learner");
    expect(o.User).toBe("learner");
    expect(o.WorkingDir).toBeUndefined();
    expect(o.Cmd?.join(" ")).toMatch(/cd "\$HOME".*exec bash -l/);
  });
});
