// Comment threads (DESIGN §3): anchored by two automerge cursors (first and last character),
// never removed; a thread whose characters are gone is shown detached with its quote.
import * as A from "@automerge/automerge";
import MarkdownIt from "markdown-it";

export interface Message {
  id: string;
  user: string;
  country: string;
  at: number;
  body: string;
}
export interface Thread {
  id: string;
  paragraph: string;
  lang: "en" | "es";
  quote: string;
  resolved: boolean;
  messages: Message[];
  /** Its characters are gone. */
  detached: boolean;
}

interface RawThread {
  paragraph: unknown;
  lang: unknown;
  start: unknown;
  end: unknown;
  quote: unknown;
  resolved: unknown;
  messages?: Array<Record<string, unknown>>;
}

// Whether a thread still has text under it, read as the server's core reads it: a cursor
// on a deleted character stands for the next character still there, so the thread keeps
// whatever is left of its words and is detached only once none is.
function anchored(doc: A.Doc<unknown>, path: A.Prop[], start: string, end: string, length: number): boolean {
  try {
    const s = A.getCursorPosition(doc, path, start);
    const e = A.getCursorPosition(doc, path, end);
    const endAlive = e < length && A.getCursor(doc, path, e) === end.replace(/^-+/, "");
    return s < (endAlive ? e + 1 : e);
  } catch {
    return false;
  }
}

export function threadsOf(doc: A.Doc<{ threads?: Record<string, RawThread>; paragraphs?: Record<string, { text: Record<string, string> }> }>): Thread[] {
  const out: Thread[] = [];
  for (const [id, t] of Object.entries(doc.threads ?? {})) {
    const paragraph = String(t.paragraph);
    const lang = String(t.lang) === "es" ? "es" : "en";
    const text = doc.paragraphs?.[paragraph]?.text?.[lang];
    const path = ["paragraphs", paragraph, "text", lang];
    const length = text === undefined ? 0 : String(text).length;
    const detached = text === undefined || !anchored(doc, path, String(t.start), String(t.end), length);
    out.push({
      id,
      paragraph,
      lang,
      quote: String(t.quote ?? ""),
      resolved: t.resolved === true,
      detached,
      messages: (t.messages ?? []).map((m) => ({ id: String(m.id), user: String(m.user), country: String(m.country), at: Number(m.at), body: String(m.body) })),
    });
  }
  return out;
}

const token = (prefix: string) => {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return prefix + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
};
const s = (v: string) => new A.ImmutableString(v);

export interface Author {
  user: string;
  country: string;
}

/** Opens a thread on characters [from, to) of one text, with its first message. */
export function openThread(d: A.Doc<unknown>, paragraph: string, lang: "en" | "es", from: number, to: number, quote: string, body: string, by: Author, now: number): string {
  const path = ["paragraphs", paragraph, "text", lang];
  const id = token("t");
  const root = d as unknown as { threads: Record<string, unknown> };
  root.threads[id] = {
    paragraph: s(paragraph),
    lang: s(lang),
    start: s(A.getCursor(d, path, from)),
    end: s(A.getCursor(d, path, to - 1)),
    quote: s(quote),
    resolved: false,
    messages: [message(body, by, now)],
  };
  return id;
}

function message(body: string, by: Author, now: number) {
  return { id: s(token("m")), user: s(by.user), country: s(by.country), at: now, body: s(body) };
}

export function reply(d: A.Doc<unknown>, thread: string, body: string, by: Author, now: number): void {
  const t = (d as unknown as { threads: Record<string, { messages: unknown[] }> }).threads[thread];
  t.messages.push(message(body, by, now));
}

export function setResolved(d: A.Doc<unknown>, thread: string, resolved: boolean): void {
  (d as unknown as { threads: Record<string, { resolved: boolean }> }).threads[thread].resolved = resolved;
}

// No raw HTML, no images: a comment is text with emphasis, lists, code and safe links.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false }).disable(["image"]);

/** A comment body as safe HTML. */
export function renderMarkdown(body: string): string {
  return md.render(body);
}

/** The words a thread is on, in one paragraph's text, as its highlight shows them. */
export interface ThreadRange {
  id: string;
  /** Text indexes, [from, to). */
  from: number;
  to: number;
  /** The delegation that opened it. */
  country: string;
}

/** The open threads still on words of the text at `paragraph`/`lang`, where those words are now. */
export function threadRanges(doc: A.Doc<{ threads?: Record<string, RawThread>; paragraphs?: Record<string, { text: Record<string, string> }> }>, paragraph: string, lang: "en" | "es"): ThreadRange[] {
  const text = doc.paragraphs?.[paragraph]?.text?.[lang];
  if (text === undefined) return [];
  const path = ["paragraphs", paragraph, "text", lang];
  const length = String(text).length;
  const out: ThreadRange[] = [];
  for (const [id, t] of Object.entries(doc.threads ?? {})) {
    if (String(t.paragraph) !== paragraph || String(t.lang) !== lang || t.resolved === true) continue;
    try {
      const from = A.getCursorPosition(doc, path, String(t.start));
      const end = A.getCursorPosition(doc, path, String(t.end));
      const endAlive = end < length && A.getCursor(doc, path, end) === String(t.end).replace(/^-+/, "");
      const to = Math.min(length, endAlive ? end + 1 : end);
      if (from < to) out.push({ id, from, to, country: String(t.messages?.[0]?.country ?? "") });
    } catch {
      // Its characters are gone: no highlight (the comments tab shows it detached).
    }
  }
  return out;
}
