// The HTTP API of the lab server. Every id in a URL is validated; errors are JSON
// `{error: {code, message}}` with the right status; learners are identified by their cookie.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LoadedLab } from "../../lab/loader.ts";
import { closest } from "../../lab/suggest.ts";
import { isLang, LANGS, type Lang } from "../../i18n/ui.ts";
import { LabError, type LabService } from "../sessions/lab-service.ts";
import type { Store } from "../storage/store.ts";
import type { Workshop } from "../workshop/workshop.ts";
import { learnerCookie, overTls, readCookie, TOKEN_COOKIE } from "./cookies.ts";
import { httpOriginAllowed } from "./origin-policy.ts";
import { HttpError, json } from "./respond.ts";
import { httpErrorOf, type WorkshopApi } from "./workshop-api.ts";
import { REQUEST_ID_RE } from "../../protocol/ids.ts";

export { HttpError, sendError } from "./respond.ts";

export interface ApiDeps {
  labs: Map<string, LoadedLab>;
  /** A learner's lab: start, status, check, reset (sessions/lab-service.ts). */
  service: LabService;
  store: Store;
  /** Set when this server runs a workshop: learners need a seat, and /api/workshop/ exists. */
  workshop?: { workshop: Workshop; api: WorkshopApi };
}

function labOf(deps: ApiDeps, id: string): LoadedLab {
  const lab = REQUEST_ID_RE.test(id) ? deps.labs.get(id) : undefined;
  if (!lab) {
    const known = [...deps.labs.keys()];
    const guess = closest(id, known);
    throw new HttpError(
      404,
      "unknown-lab",
      `unknown lab "${id}"${guess ? ` (did you mean "${guess}"?)` : ""}; known labs: ${known.join(", ")}`,
    );
  }
  return lab;
}

function stepOf(lab: LoadedLab, id: string) {
  const step = lab.steps.find((s) => s.id === id);
  if (!step) {
    throw new HttpError(
      404,
      "unknown-step",
      `lab ${lab.lab.id} has no step "${id}"; its steps: ${lab.steps.map((s) => s.id).join(", ")}`,
    );
  }
  return step;
}

/** The language a check answers in: `?lang=zh|en` (the lesson page's), en when absent. */
function langOf(url: URL): Lang {
  const lang = url.searchParams.get("lang");
  if (lang === null) return "en";
  if (!isLang(lang)) {
    throw new HttpError(
      400,
      "bad-lang",
      `unknown language "${lang.slice(0, 20)}" in ?lang=: use one of ${LANGS.join(", ")}`,
    );
  }
  return lang;
}

/** The learner behind the request's cookie; 401 without a cookie, 403 with an unknown one. */
export function learnerOf(req: IncomingMessage, store: Store): string {
  const token = readCookie(req.headers.cookie, TOKEN_COOKIE);
  if (!token) throw new HttpError(401, "no-session", "no learner session: POST /api/session first");
  const id = store.learnerByToken(token);
  if (!id)
    throw new HttpError(
      403,
      "bad-session",
      "unknown learner token: POST /api/session for a new one",
    );
  return id;
}

export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ApiDeps,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const parts = url.pathname.split("/").filter(Boolean).slice(1); // drop "api"
  const method = req.method ?? "GET";
  if (!httpOriginAllowed(req))
    throw new HttpError(
      403,
      "foreign-origin",
      `requests from ${String(req.headers.origin).slice(0, 100)} are not allowed`,
    );

  if (parts[0] === "health" && parts.length === 1)
    return json(res, 200, { ok: true, labs: [...deps.labs.keys()] });

  if (parts[0] === "workshop") {
    if (!deps.workshop)
      throw new HttpError(404, "not-a-workshop", "this server is not running a workshop");
    if (await deps.workshop.api.handle(req, res, parts)) return;
    throw new HttpError(404, "not-found", `no API route ${method} ${url.pathname}`);
  }

  if (parts[0] === "session" && parts.length === 1 && method === "POST") {
    if (deps.workshop)
      throw new HttpError(
        403,
        "workshop-join",
        "this server runs a workshop: join it at /join/ with the code your instructor gives you",
      );
    const existing = readCookie(req.headers.cookie, TOKEN_COOKIE);
    if (existing && deps.store.learnerByToken(existing))
      return json(res, 200, { ok: true, created: false });
    const { token } = deps.store.createLearner();
    return json(
      res,
      201,
      { ok: true, created: true },
      { "set-cookie": learnerCookie(token, overTls(req)) },
    );
  }

  if (parts[0] === "labs" && parts[1] !== undefined) {
    const lab = labOf(deps, parts[1]);
    const learnerId = learnerOf(req, deps.store);
    try {
      deps.workshop?.workshop.assertMayUse(learnerId, lab.lab.id, method !== "GET");
    } catch (err) {
      throw httpErrorOf(err);
    }
    const rest = parts.slice(2).join("/");
    const { service } = deps;
    if (rest === "env" && method === "GET") return json(res, 200, service.status(learnerId, lab));
    if (rest === "env" && method === "POST") return json(res, 202, service.start(learnerId, lab));
    if (rest === "env/reset" && method === "POST")
      return json(res, 202, await service.reset(learnerId, lab));
    if (rest === "env" && method === "DELETE") {
      await service.remove(learnerId, lab.lab.id);
      return json(res, 200, { ok: true });
    }
    if (rest === "progress" && method === "GET") {
      return json(res, 200, { lab: lab.lab.id, steps: service.progress(learnerId, lab.lab.id) });
    }
    if (
      parts[2] === "steps" &&
      parts[3] !== undefined &&
      parts[4] === "check" &&
      parts.length === 5 &&
      method === "POST"
    ) {
      const step = stepOf(lab, parts[3]);
      // A reading step is refused (409) before its ?lang= is looked at.
      const lang = step.ungraded ? "en" : langOf(url);
      try {
        return json(res, 200, await service.check(learnerId, lab, step, lang));
      } catch (err) {
        if (err instanceof LabError) throw new HttpError(409, err.code, err.message);
        throw err;
      }
    }
  }
  throw new HttpError(404, "not-found", `no API route ${method} ${url.pathname}`);
}
