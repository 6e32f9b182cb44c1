// Killercoda/Katacoda Markdown -> archlab lesson MDX. Line-based: their action markers follow a
// code block's closing fence or an inline code span (`cmd`{{exec}}), which no Markdown parser
// knows, and MDX is stricter than Markdown (an unclosed <br>, a `{`, a `<` that is no tag, an
// HTML comment or a string `style` all break its build), so text outside code is made safe here.
// Everything that cannot be carried over is reported by line, never dropped silently.

export interface ExecBlock {
  code: string;
  /** Send Ctrl+C first ({{exec interrupt}}): the previous command is meant to be stopped. */
  interrupt: boolean;
  /** A second host's name (already mapped), when the block targets one. */
  host?: string;
  line: number;
}

export interface Note {
  line: number;
  message: string;
}

export interface Converted {
  mdx: string;
  execs: ExecBlock[];
  /** Ports linked with {{TRAFFIC_HOST1_80}}: host -> ports. */
  ports: Map<string, Set<number>>;
  notes: Note[];
}

export interface ConvertOptions {
  labId: string;
  /** Killercoda's host01/host02 (Katacoda's HOST1/HOST2) -> the lab's host names. */
  hostOf: (n: number) => string | undefined;
}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*(.*)$/;
const MARKER = /^\{\{\s*(exec(?:ute)?|copy|open)?\s*([^}]*)\}\}/;

/** Known HTML elements that MDX may keep (as JSX). Others are escaped as text. */
const HTML_TAGS = new Set(
  (
    "a abbr b blockquote br code dd del details div dl dt em h1 h2 h3 h4 h5 h6 hr i img ins kbd " +
    "li mark ol p pre q s samp small span strong sub summary sup table tbody td tfoot th thead " +
    "tr tt u ul center"
  ).split(" "),
);
const VOID_TAGS = new Set(["br", "hr", "img", "wbr"]);

/** What an action marker after code means. */
function parseMarker(
  text: string,
  line: number,
  opts: ConvertOptions,
  notes: Note[],
): { kind: "exec" | "copy" | "plain"; interrupt: boolean; host?: string; length: number } | null {
  const m = MARKER.exec(text);
  if (!m) return null;
  const verb = m[1];
  const args = (m[2] ?? "").trim().split(/\s+/).filter(Boolean);
  if (verb === undefined && args.length === 0)
    return { kind: "plain", interrupt: false, length: m[0].length };
  if (verb === "copy") return { kind: "copy", interrupt: false, length: m[0].length };
  if (verb === "open") {
    notes.push({
      line,
      message: "{{open}} (open a file in an editor) is not supported: kept as code",
    });
    return { kind: "copy", interrupt: false, length: m[0].length };
  }
  if (verb?.startsWith("exec")) {
    let host: string | undefined;
    let interrupt = false;
    for (const arg of args) {
      const h = /^(?:host|HOST)0?(\d)$/.exec(arg);
      const t = /^T(\d)$/.exec(arg);
      if (arg === "interrupt") interrupt = true;
      else if (h) {
        const n = Number(h[1]);
        host = n === 1 ? undefined : opts.hostOf(n);
        if (n !== 1 && !host)
          notes.push({
            line,
            message: `{{exec ${arg}}}: the scenario has no host ${n}; runs on host 1`,
          });
      } else if (t) {
        if (t[1] !== "1")
          notes.push({
            line,
            message: `{{exec ${arg}}}: terminal ${t[1]} is the host's one terminal here`,
          });
      } else notes.push({ line, message: `unknown {{exec}} option "${arg}": ignored` });
    }
    return { kind: "exec", interrupt, ...(host ? { host } : {}), length: m[0].length };
  }
  return null;
}

/** Makes one line of prose safe for MDX (outside code spans); reports what changed meaning. */
function safeProse(text: string, line: number, opts: ConvertOptions, out: Converted): string {
  let s = text;
  // Placeholders first: {{TRAFFIC_HOST1_80}} is a link to the lab's own preview.
  s = s.replace(/\{\{\s*TRAFFIC_HOST(\d)_(\d{1,5})\s*\}\}/g, (_all, n: string, port: string) => {
    const host = opts.hostOf(Number(n));
    if (!host) {
      out.notes.push({ line, message: `{{TRAFFIC_HOST${n}_${port}}}: no host ${n}` });
      return "#";
    }
    const set = out.ports.get(host) ?? new Set<number>();
    set.add(Number(port));
    out.ports.set(host, set);
    return `/preview/open?lab=${opts.labId}&host=${host}&port=${port}`;
  });
  s = s.replace(/\{\{\s*([A-Za-z_][\w ]*?)\s*\}\}/g, (_all, name: string) => {
    out.notes.push({ line, message: `{{${name}}} is not supported here: shown as text` });
    return `\uE000lb${name}\uE000rb`;
  });
  // HTML comments become MDX comments.
  s = s.replace(
    /<!--([\s\S]*?)-->/g,
    (_all, body: string) => `{/*${body.replace(/\*\//g, "* /")}*/}`,
  );
  // Autolinks <https://...> are JSX to MDX.
  s = s.replace(/<(https?:\/\/[^>\s]+)>/g, "[$1]($1)");
  // Tags: known HTML elements stay (void ones self-closed, string styles dropped); any other
  // `<` is text.
  s = s.replace(
    /<(\/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*?)(\/?)>|</g,
    (all, close, name, attrs, self) => {
      if (all === "<") return "&lt;";
      const tag = String(name).toLowerCase();
      if (!HTML_TAGS.has(tag)) return `&lt;${all.slice(1, -1)}&gt;`;
      let a = String(attrs ?? "");
      if (/\sstyle\s*=/.test(a)) {
        out.notes.push({ line, message: `<${tag} style=...>: inline styles are not carried over` });
        a = a.replace(/\sstyle\s*=\s*("[^"]*"|'[^']*'|\S+)/g, "");
      }
      if (close) return `</${tag}>`;
      return VOID_TAGS.has(tag) || self ? `<${tag}${a.replace(/\s*\/$/, "")} />` : `<${tag}${a}>`;
    },
  );
  // MDX expressions: a literal brace in prose.
  s = s.replace(/(\{\/\*[\s\S]*?\*\/\})|[{}]/g, (all, comment) => (comment ? comment : `\\${all}`));
  s = s.replace(/\uE000lb/g, "\\{\\{").replace(/\uE000rb/g, "\\}\\}");
  // Relative images point into the scenario, which the site does not serve.
  s = s.replace(/!\[([^\]]*)\]\((?!https?:)([^)\s]+)[^)]*\)/g, (_all, alt: string, src: string) => {
    out.notes.push({ line, message: `image ${src} is not carried over: shown as its text` });
    return `*(image: ${alt || src})*`;
  });
  return s;
}

/** One prose line: code spans kept, action markers after them handled, the rest made safe. */
function convertLine(text: string, line: number, opts: ConvertOptions, out: Converted): string[] {
  const lines: string[] = [];
  let current = "";
  let i = 0;
  while (i < text.length) {
    const tick = text.indexOf("`", i);
    if (tick < 0) {
      current += safeProse(text.slice(i), line, opts, out);
      break;
    }
    current += safeProse(text.slice(i, tick), line, opts, out);
    let run = 1;
    while (text[tick + run] === "`") run++;
    const fence = "`".repeat(run);
    const end = text.indexOf(fence, tick + run);
    if (end < 0) {
      current += safeProse(text.slice(tick), line, opts, out).replace(/`/g, "\\`");
      break;
    }
    const code = text.slice(tick + run, end);
    let next = end + run;
    const marker = parseMarker(text.slice(next), line, opts, out.notes);
    if (marker) next += marker.length;
    if (marker?.kind === "exec") {
      // An inline command to run: its own block (with a Run button), the sentence continues after.
      const trimmed = code.trim();
      out.execs.push({
        code: trimmed,
        interrupt: marker.interrupt,
        ...(marker.host ? { host: marker.host } : {}),
        line,
      });
      if (current.trim()) lines.push(current.trimEnd(), "");
      const meta =
        (marker.host ? ` host=${marker.host}` : "") + (marker.interrupt ? " interrupt" : "");
      lines.push("```bash" + meta, trimmed, "```", "");
      current = "";
    } else {
      current += fence + code + fence;
    }
    i = next;
  }
  if (current.trim() || lines.length === 0) lines.push(current);
  return lines;
}

/** Converts one page of a scenario. */
export function convertMarkdown(source: string, opts: ConvertOptions): Converted {
  const out: Converted = { mdx: "", execs: [], ports: new Map(), notes: [] };
  const input = source.replace(/\r\n?/g, "\n").split("\n");
  const result: string[] = [];
  let inComment = false;
  for (let n = 0; n < input.length; n++) {
    const text = input[n] as string;
    const line = n + 1;
    // A multi-line HTML comment: one MDX comment.
    if (inComment || (/<!--/.test(text) && !/-->/.test(text.slice(text.indexOf("<!--"))))) {
      const body = text.replace("<!--", "").replace("-->", "").replace(/\*\//g, "* /");
      if (!inComment) result.push("{/*" + body);
      else if (text.includes("-->")) result.push(body + "*/}");
      else result.push(body);
      inComment = inComment ? !text.includes("-->") : true;
      continue;
    }
    // Katacoda's <pre class="file" data-filename=...> (copy to the editor): a code block.
    const pre = /^\s*<pre\b([^>]*)>(.*)$/.exec(text);
    if (pre) {
      const body: string[] = [];
      let k = n;
      let rest = pre[2] as string;
      while (!rest.includes("</pre>") && k + 1 < input.length) {
        body.push(rest);
        rest = input[++k] as string;
      }
      body.push(rest.slice(0, Math.max(0, rest.indexOf("</pre>"))));
      const file = /data-filename="([^"]*)"/.exec(pre[1] as string)?.[1];
      if (file) {
        out.notes.push({
          line,
          message: `<pre data-filename="${file}">: editor actions are not supported; shown as code`,
        });
        result.push(`\`${file}\`:`, "");
      }
      const code = body
        .join("\n")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
      result.push("```text", code.replace(/\n$/, ""), "```", "");
      n = k;
      continue;
    }
    const open = FENCE_OPEN.exec(text);
    if (open) {
      const [, indent, fence, lang, rest] = open as unknown as [
        string,
        string,
        string,
        string,
        string,
      ];
      const body: string[] = [];
      let close = -1;
      for (let k = n + 1; k < input.length; k++) {
        const t = input[k] as string;
        if (t.trim().startsWith(fence) && /^[`~]+\s*(\{\{.*\}\})?\s*$/.test(t.trim())) {
          close = k;
          break;
        }
        body.push(t.startsWith(indent) ? t.slice(indent.length) : t);
      }
      if (close < 0) {
        out.notes.push({ line, message: "code block never closed: closed at the end of the page" });
        close = input.length;
      }
      const after =
        close < input.length ? (input[close] as string).trim().slice(fence.length).trim() : "";
      const marker = after ? parseMarker(after, close + 1, opts, out.notes) : null;
      if (after && !marker)
        out.notes.push({
          line: close + 1,
          message: `unknown marker "${after}" after a code block: ignored`,
        });
      const code = body.join("\n");
      let meta = "";
      let language = lang || "";
      if (marker?.kind === "exec") {
        out.execs.push({
          code,
          interrupt: marker.interrupt,
          ...(marker.host ? { host: marker.host } : {}),
          line,
        });
        language = "bash";
        if (marker.host) meta = ` host=${marker.host}`;
        if (marker.interrupt) meta += " interrupt";
      } else if (marker?.kind === "copy" && !language) language = "text";
      if (rest.trim())
        out.notes.push({ line, message: `code block info "${rest.trim()}" dropped` });
      const longest = Math.max(
        3,
        ...code.split("\n").map((l) => (/^`+/.exec(l)?.[0].length ?? 0) + 1),
      );
      const f = "`".repeat(longest);
      result.push(
        `${indent}${f}${language}${meta}`,
        ...body.map((b) => indent + b),
        `${indent}${f}`,
      );
      n = close;
      continue;
    }
    // <details><summary>Tip</summary> on one line opens a block element in HTML but an inline
    // one in MDX, which then wants it closed in the same paragraph: one tag per line.
    const converted = convertLine(text, line, opts, out).flatMap((l) =>
      /^\s*<details\b[^>]*>\s*\S/.test(l)
        ? l.replace(/^(\s*<details\b[^>]*>)\s*/, "$1\n").split("\n")
        : [l],
    );
    result.push(...converted);
  }
  if (inComment) {
    out.notes.push({ line: input.length, message: "HTML comment never closed: closed at the end" });
    result.push("*/}");
  }
  out.mdx =
    result
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n";
  return out;
}
