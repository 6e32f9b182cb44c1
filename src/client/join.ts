// The join page: shows the workshop and its free seats, sends code + name, and goes on to the
// first lesson; a full room gets its own clear message.
import type { WorkshopInfo } from "../protocol/workshop.ts";

const root = document.getElementById("join") as HTMLElement;
const form = root.querySelector("form") as HTMLFormElement;
const error = root.querySelector(".join-error") as HTMLElement;
const field = (name: string) => root.querySelector(`[data-field="${name}"]`) as HTMLElement;

function show(state: "open" | "full" | "none"): void {
  root.dataset.state = state;
  form.hidden = state !== "open";
  (root.querySelector(".join-full") as HTMLElement).hidden = state !== "full";
  (root.querySelector(".join-none") as HTMLElement).hidden = state !== "none";
}

function fail(message: string): void {
  error.textContent = message;
  error.hidden = false;
}

async function load(): Promise<void> {
  const code = new URLSearchParams(location.search).get("code");
  if (code) (form.elements.namedItem("code") as HTMLInputElement).value = code;
  let res: Response;
  try {
    res = await fetch("/api/workshop", { credentials: "same-origin" });
  } catch {
    return fail("the server does not answer / 服务器没有响应");
  }
  if (!res.ok || !(res.headers.get("content-type") ?? "").includes("json")) return show("none");
  const info = (await res.json()) as WorkshopInfo;
  field("workshop-name").textContent = info.name;
  field("seats").textContent = `${info.taken} / ${info.seats}`;
  show("open"); // a learner who already has a seat may rejoin even when the room is full
  const name = form.elements.namedItem(code ? "name" : "code") as HTMLInputElement;
  name.focus();
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  error.hidden = true;
  const data = new FormData(form);
  const body = {
    code: String(data.get("code") ?? "").trim(),
    name: String(data.get("name") ?? ""),
    lang: String(data.get("lang") ?? "zh"),
  };
  if (!body.code) return fail("enter the join code / 请输入加入码");
  if (!body.name.trim()) return fail("enter a display name / 请输入显示名称");
  void (async () => {
    const button = form.querySelector("button") as HTMLButtonElement;
    button.disabled = true;
    try {
      const res = await fetch("/api/workshop/join", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      });
      const reply = (await res.json().catch(() => ({}))) as {
        next?: string;
        error?: { code: string; message: string };
      };
      if (res.ok && reply.next) return location.assign(reply.next);
      if (reply.error?.code === "room-full") return show("full");
      fail(reply.error?.message ?? `the server answered ${res.status}`);
    } catch {
      fail("the server does not answer / 服务器没有响应");
    } finally {
      button.disabled = false;
    }
  })();
});

void load();
