// Labels put on every Docker object archlab creates: they are how environments are found again
// (by the CLI, after a restart, by the reaper) without any other state.
export const LABEL = {
  /** Present (value "1") on everything archlab owns. */
  managed: "org.archlab.managed",
  env: "org.archlab.env",
  lab: "org.archlab.lab",
  learner: "org.archlab.learner",
  host: "org.archlab.host",
  /** Who keeps the environment alive: "cli", or a process "pid:<pid>@<boot id>" (owner.ts). */
  owner: "org.archlab.owner",
  /** Unix time (ms) after which the reaper may remove the environment. */
  expiresAt: "org.archlab.expires-at",
  createdAt: "org.archlab.created-at",
  /** "false" on hosts the learner may not open a shell on. */
  terminal: "org.archlab.terminal",
  /** The user the learner's terminal opens as (absent: the image's user). */
  user: "org.archlab.user",
  /** On the temporary read-write registry of `images publish` (removed if a run died). */
  publisher: "org.archlab.publisher",
  /** Content hash of an image built by archlab. */
  imageHash: "org.archlab.image-hash",
} as const;

/** Docker list filter for one environment's objects. */
export function envFilter(envId: string): { label: string[] } {
  if (!envId) throw new Error("envFilter needs an environment id");
  return { label: [`${LABEL.env}=${envId}`] };
}

/** Docker list filter for every object of every environment. */
export function allEnvsFilter(): { label: string[] } {
  return { label: [LABEL.env] };
}
