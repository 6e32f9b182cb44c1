// The lab API's bodies, shared by the server (src/server/http/api.ts, sessions/) and the
// browser (src/client/), beside the terminal protocol (terminal.ts). Routes, all JSON, the
// learner known by the archlab_learner cookie (POST /api/session makes one):
//
//   GET    /api/labs/:lab/env                   -> 200 EnvStatus
//   POST   /api/labs/:lab/env                   -> 202 EnvStatus (starts it unless running)
//   POST   /api/labs/:lab/env/reset             -> 202 EnvStatus (progress forgotten, fresh env)
//   DELETE /api/labs/:lab/env                   -> 200 {ok: true}
//   GET    /api/labs/:lab/progress              -> 200 ProgressResponse
//   POST   /api/labs/:lab/steps/:step/check[?lang=zh|en] -> 200 CheckResponse
//   any error                                   -> 4xx/5xx ApiErrorBody
//
// While the Docker engine does not answer (dockerd restarting), the env and check routes answer
// 503 with code "engine-unavailable": nothing is lost, the client asks again until it answers.

export type EnvState = "none" | "starting" | "ready" | "failed";

export type HostPhase = "pending" | "creating" | "starting" | "waiting" | "ready" | "failed";

export interface HostStatus {
  name: string;
  phase: HostPhase;
  terminal: boolean;
  detail?: string;
}

/** Why an environment could not start; each code has one hint (ENV_ERROR_HINTS). */
export type EnvErrorCode =
  | "engine-unreachable"
  | "engine-unavailable"
  | "image-missing"
  | "room-full"
  | "start-failed"
  | "disk-full";

/** What the lab panel tells the learner to do, by the code of what went wrong. */
export const ENV_ERROR_HINTS: Record<EnvErrorCode, string> = {
  "engine-unreachable":
    "The lab server has no Docker engine: run `npm start` on the server as root, or start Docker.",
  "engine-unavailable": "The Docker engine is restarting; archlab retries by itself.",
  "image-missing": "A lab image is missing: run `npx archlab images build` on the server.",
  "room-full": "All lab slots are taken: try again in a few minutes, or ask the instructor.",
  "disk-full":
    "Delete big files as you go (and `docker image prune` on an engine of your own), then press \u201cReset environment\u201d to start the lab again.",
  "start-failed":
    "Press \u201cReset environment\u201d to try again; if it keeps failing, run `npx archlab doctor` on the server.",
};

export interface EnvStatus {
  state: EnvState;
  envId?: string;
  hosts: HostStatus[];
  /** Hosts with a terminal, workstation first, then the lab's tabs. */
  tabs: string[];
  error?: { code: EnvErrorCode; message: string; hint: string };
  startedAt?: number;
  readyAt?: number;
}

export interface CheckResponse {
  passed: boolean;
  message: string;
  expected?: string;
  actual?: string;
  durationMs: number;
}

export interface StepProgressBody {
  stepId: string;
  passed: boolean;
  attempts: number;
  lastMessage: string;
  updatedAt: number;
}

export interface ProgressResponse {
  lab: string;
  steps: StepProgressBody[];
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
