// The page's API calls while the Docker engine restarts: a 503 "engine-unavailable" is tried
// again (every 2 s) and the lab panel is told to show "retrying" until the answer comes; other
// errors are thrown at once. fetch and window are stand-ins: this is the client's logic only
// (tests/integration/engine-restart.test.ts proves the server's 503 on a real dockerd restart).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, ENGINE_WAIT_EVENT } from "./api.ts";

const unavailable = () =>
  new Response(JSON.stringify({ error: { code: "engine-unavailable", message: "restarting" } }), {
    status: 503,
  });
const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });

let waits: boolean[];

beforeEach(() => {
  vi.useFakeTimers();
  waits = [];
  const target = new EventTarget();
  target.addEventListener(ENGINE_WAIT_EVENT, (e) =>
    waits.push((e as CustomEvent<{ waiting: boolean }>).detail.waiting),
  );
  vi.stubGlobal("window", target);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("api() while the engine restarts", () => {
  it("tries again every 2 s, says it is waiting, and returns the answer once the engine is back", async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(unavailable())
      .mockResolvedValueOnce(unavailable())
      .mockResolvedValueOnce(ok({ state: "ready" }));
    vi.stubGlobal("fetch", fetch);
    const answer = api<{ state: string }>("GET", "/api/labs/x/env");
    await vi.advanceTimersByTimeAsync(4_100);
    await expect(answer).resolves.toEqual({ state: "ready" });
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(waits).toEqual([true, true, false]);
  });

  it("gives up after 10 minutes and throws the engine's error as it is", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn().mockImplementation(async () => unavailable()),
    );
    const answer = api("POST", "/api/labs/x/steps/s/check");
    const failed = expect(answer).rejects.toMatchObject({
      status: 503,
      code: "engine-unavailable",
    });
    await vi.advanceTimersByTimeAsync(10 * 60_000 + 5_000);
    await failed;
    expect(waits.at(-1)).toBe(false);
  });

  it("throws any other error at once, without waiting", async () => {
    const fetch = vi.fn().mockResolvedValue(
      new Response(JSON.stringify({ error: { code: "unknown-lab", message: "no" } }), {
        status: 404,
      }),
    );
    vi.stubGlobal("fetch", fetch);
    await expect(api("GET", "/api/labs/nope/env")).rejects.toBeInstanceOf(ApiError);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(waits).toEqual([]);
  });
});
