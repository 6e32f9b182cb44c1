// Identifier rules, defined once for the lab format, the lab API, the workshop API, port
// preview and the terminal protocol. (Durations and sizes: src/lab/units.ts.)

/** A name a lab declares (lab, host, step, network): lowercase, digits, inner hyphens, 2-32. */
export const NAME_RE = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/**
 * A lab, host or step id as a request may name it: the shape is checked before it is looked up
 * (so no other text reaches a map, a log or the engine); whether it exists is the caller's 404.
 */
export const REQUEST_ID_RE = /^[a-z][a-z0-9-]{0,31}$/;

/** An environment id: "e" and 10 base-36 characters (provisioner/docker newEnvId). */
export const ENV_ID_RE = /^e[a-z0-9]{10}$/;
