// A lesson's shell block can name the lab host it runs on: ```bash host=shop-1
// This Shiki transformer carries that name onto the rendered <pre> as data-host, where the lab
// panel's Run button reads it and switches to that host's terminal before typing (as
// Killercoda's `{{exec}}` targets do). Blocks without it run in the terminal that is open.
const HOST = /(?:^|\s)host=([a-z][a-z0-9-]*)(?=\s|$)/;
// ```bash interrupt: Run sends Ctrl+C first (Killercoda's {{exec interrupt}}).
const INTERRUPT = /(?:^|\s)interrupt(?=\s|$)/;

/** @type {import("shiki").ShikiTransformer} */
export const codeBlockHost = {
  name: "archlab:code-block-host",
  pre(node) {
    const meta = this.options.meta?.__raw ?? "";
    const host = HOST.exec(meta)?.[1];
    if (host) node.properties["data-host"] = host;
    if (INTERRUPT.test(meta)) node.properties["data-interrupt"] = "";
  },
};
