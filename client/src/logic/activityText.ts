// What an activity entry says, in the reader's language: each entry of
// GET /api/drafts/{id}/activity becomes one or more lines ("Peru proposed an insertion in
// OP 3 (ES)", "Mexico put the text under silence until 30 Nov, 18:00 GMT-5"). Pure (no
// DOM, no fetch), unit-tested; widgets/activityFeed.ts draws and polls.
import { type Lang, SECRETARIAT } from "./model";
import { type Key, type Params, isKey, translate } from "./words";

export interface Entry {
  id: number;
  at: number;
  user: string | null;
  country: string | null;
  action: string;
  detail: Record<string, unknown>;
}

/** What the wording needs from the page. */
export interface Context {
  lang: Lang;
  /** A country's name in the reader's language. */
  country: (code: string) => string;
  /** A country's names in every language (to tell whether a person's name already says it). */
  countryNames?: (code: string) => string[];
  /** "OP 3" for a paragraph id ("" when unknown); `hashes`: the entry's changes, to name
   * a paragraph they removed as it was named then. */
  paragraph: (pid: string, hashes?: string[]) => string;
  /** The label of the paragraph before `pid` in reading order ("" at the start or when
   * unknown), to say where a new paragraph was proposed. */
  before?: (pid: string, hashes?: string[]) => string;
  /** A person of the meeting's directory: their name, and whether they chair a Pro-Tempore
   * Presidency. */
  person?: (user: string) => { name: string; presidency: boolean } | null;
  /** "Alt 2" for an alternative of a paragraph, or null when unknown. */
  alternative: (pid: string, id: string) => string | null;
  /** An instant in the reader's capital's time. */
  time: (ms: number) => string;
}

/** One line of the feed; `tone` colours it (silence, objection, adoption stand out). */
export interface Line {
  text: string;
  tone: "plain" | "silence" | "objection" | "adopted" | "agreed";
}

/** The feed's sentences: the word table's `act_` words, named without the prefix. */
type Word = { [K in Key]: K extends `act_${infer W}` ? W : never }[Key];

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const isWord = (key: string): key is Word => isKey(`act_${key}`);

/** A paragraph status's word ("Bracketed"), or the status as given when it is none. */
function statusIn(lang: Lang, status: unknown): string {
  const key = `status_${str(status)}`;
  return isKey(key) ? translate(lang, key) : str(status);
}

/** English says "the United States", "the Dominican Republic"; Spanish needs no article. */
export function inSentence(name: string, lang: Lang): string {
  return lang === "en" && /^(United |Dominican Republic|Bahamas|Netherlands|Philippines)/.test(name) ? `the ${name}` : name;
}

/** English possessive: "Peru's", "the United States'". */
export function possessive(name: string): string {
  return /s$/.test(name) ? `${name}'` : `${name}'s`;
}

/**
 * Who acted, as a chair reads it: the person and their delegation ("María Pérez (Peru)",
 * "Juan Gómez (Argentina, Presidency)"); the delegation alone when the person's name
 * already says it ("Delegation of Peru" is "Peru", a Presidency's chair "Argentina
 * (Presidency)"), in `country` or one of its `otherNames` (its name in the other
 * language), or is unknown.
 */
export function actorPhrase(name: string | null, country: string, presidency: boolean, lang: Lang, otherNames: string[] = []): string {
  const word = translate(lang, "presidency");
  if (name && ![country, ...otherNames].some((c) => name.includes(c))) return `${name} (${country}${presidency ? `, ${word}` : ""})`;
  return presidency ? `${country} (${word})` : country;
}

/** The lines an entry shows; empty for entries the feed does not tell (comment edits…). */
export function describe(e: Entry, ctx: Context): Line[] {
  const named = { ...ctx, country: (c: string) => inSentence(ctx.country(c), ctx.lang) };
  return tell(e, named, actor(e, ctx)).map((l) => ({ ...l, text: l.text.charAt(0).toUpperCase() + l.text.slice(1) }));
}

/** The entry's author as the sentence names them. */
function actor(e: Entry, ctx: Context): string {
  const person = e.user ? (ctx.person?.(e.user) ?? null) : null;
  // The technical secretariat signs as "SEC", which is no country.
  if (!e.country || e.country === SECRETARIAT) return person?.name ?? translate(ctx.lang, e.user ? "act_secretariat" : "act_someone");
  const country = ctx.country(e.country);
  const phrase = actorPhrase(person?.name ?? null, country, person?.presidency ?? false, ctx.lang, ctx.countryNames?.(e.country) ?? []);
  return phrase === country ? inSentence(country, ctx.lang) : phrase;
}

function tell(e: Entry, ctx: Context, who: string): Line[] {
  const say = (key: Word, params: Params = {}): string => translate(ctx.lang, `act_${key}`, params);
  const d = e.detail;
  const hashes = Array.isArray(d.hashes) ? d.hashes.map(String) : undefined;
  const p = (pid: unknown) => ctx.paragraph(str(pid), hashes) || "¶";
  const statusWord = (s: unknown) => statusIn(ctx.lang, s);
  switch (e.action) {
    case "paragraph_status_changed": {
      const note = (d.note ?? {}) as Record<string, unknown>;
      const line: Line = { text: say("status_changed", { who, p: p(note.paragraph), to: statusWord(note.to), from: statusWord(note.from) }), tone: note.to === "agreed" ? "agreed" : "plain" };
      if (str(note.reason)) line.text += `. ${say("status_reason", { reason: str(note.reason) })}`;
      return [line];
    }
    case "concordance_confirmed":
      return [{ text: say("concordance", { who, p: p(((d.note ?? {}) as Record<string, unknown>).paragraph) }), tone: "plain" }];
    case "approval_given":
      return [{ text: say("approval_given", { who }), tone: "plain" }];
    case "approval_voided":
      return [{ text: say("approval_voided", { who }), tone: "objection" }];
    case "draft_adopted": {
      const how = str(d.how) === "silence" || d.silence ? "draft_adopted_silence" : "draft_adopted_approvals";
      return [{ text: `${say(how)}. ${say("fingerprint", { fp: str(d.fingerprint).slice(0, 16) })}`, tone: "adopted" }];
    }
    case "adoption_refused":
      return [{ text: say("adoption_refused"), tone: "objection" }];
    case "silence_proposed":
      return [{ text: say("silence_proposed", { who, time: ctx.time(Number(d.deadline)) }), tone: "plain" }];
    case "silence_agreed":
      return [{ text: say("silence_agreed", { who }), tone: "plain" }];
    case "silence_started":
      return [{ text: say("silence_started", { who, time: ctx.time(Number(d.deadline)) }), tone: "silence" }];
    case "silence_broken":
      return [{ text: say("silence_broken", { who, text: str(d.text) }), tone: "objection" }];
    case "silence_lapsed":
      return [{ text: say("silence_lapsed"), tone: "objection" }];
    case "violation_refused":
      return [{ text: say("violation_refused", { who, detail: str(d.detail) }), tone: "objection" }];
    case "draft_created":
      return [{ text: say("draft_created", { who }), tone: "plain" }];
    default:
      return events(e, ctx, who, say, p, hashes);
  }
}

type Say = (key: Word, params?: Params) => string;

/** The lines of the events a change carries (`detail.events`). */
function events(e: Entry, ctx: Context, who: string, say: Say, p: (pid: unknown) => string, hashes: string[] | undefined): Line[] {
  const list = Array.isArray(e.detail.events) ? (e.detail.events as Array<Record<string, unknown>>) : [];
  const out: Line[] = [];
  const seen = new Set<string>();
  const push = (line: Line) => {
    // One line per distinct sentence: a change in both languages says so once per language.
    if (!seen.has(line.text)) out.push(line);
    seen.add(line.text);
  };
  // A proposal decided in both languages (a replacement with its counterpart) is one line: "(EN, ES)".
  const langs = new Map<string, string[]>();
  const sameButLang = (ev: Record<string, unknown>) => JSON.stringify([ev.event, ev.country, ev.paragraph, ev.kind]);
  for (const ev of list) {
    if (typeof ev.lang !== "string") continue;
    const key = sameButLang(ev);
    const seen = langs.get(key) ?? [];
    if (!seen.includes(ev.lang.toUpperCase())) seen.push(ev.lang.toUpperCase());
    langs.set(key, seen);
  }
  for (const ev of list) {
    const lang = (langs.get(sameButLang(ev)) ?? [str(ev.lang).toUpperCase()]).join(", ");
    const of = ctx.country(str(ev.country));
    switch (ev.event) {
      case "proposal_made":
        push({ text: say("proposal_made", { who: of, kind: say(ev.kind === "delete" ? "deletion" : "insertion"), p: p(ev.paragraph), lang }), tone: "plain" });
        break;
      case "proposal_withdrawn":
        push({ text: say("proposal_withdrawn", { who: of, p: p(ev.paragraph), lang }), tone: "plain" });
        break;
      case "proposal_accepted":
      case "proposal_rejected":
        push({ text: say(ev.event, { who, of, p: p(ev.paragraph), lang }), tone: "plain" });
        break;
      case "direct_edit":
        push({ text: say("direct_edit", { who, p: p(ev.paragraph), lang }), tone: "plain" });
        break;
      case "status_changed":
        // A status set through the API already has its own entry; this is one made in the text.
        if (e.action !== "paragraph_status_changed") {
          push({ text: say("status_changed", { who, p: p(ev.paragraph), to: statusIn(ctx.lang, ev.to), from: statusIn(ctx.lang, ev.from) }), tone: ev.to === "agreed" ? "agreed" : "plain" });
        }
        break;
      case "paragraph_added":
        push({ text: say("paragraph_added", { who, p: p(ev.paragraph) }), tone: "plain" });
        break;
      case "paragraph_removed":
        push({ text: say("paragraph_removed", { who }), tone: "plain" });
        break;
      case "order_changed":
        push({ text: say("order_changed", { who }), tone: "plain" });
        break;
      case "title_changed":
        push({ text: say("title_changed", { who }), tone: "plain" });
        break;
      case "thread_opened":
        push({ text: say("thread_opened", { who, p: p(ev.paragraph) }), tone: "plain" });
        break;
      case "comment_added":
        push({ text: say("comment_added", { who }), tone: "plain" });
        break;
      case "thread_resolved":
        push({ text: say("thread_resolved", { who }), tone: "agreed" });
        break;
      case "thread_reopened":
        push({ text: say("thread_reopened", { who }), tone: "plain" });
        break;
      case "alternative": {
        const action = str(ev.action);
        const key = `alt_${action}`;
        if (!isWord(key)) break;
        const known = ctx.alternative(str(ev.paragraph), str(ev.alternative));
        const alt = known === null ? say("anAlternative") : ctx.lang === "es" ? `la ${known}` : known;
        push({ text: say(key, { who, alt, p: p(ev.paragraph) }), tone: action === "adopted" ? "agreed" : "plain" });
        break;
      }
      case "paragraph_proposal_made":
      case "paragraph_proposal_accepted":
      case "paragraph_proposal_rejected":
      case "paragraph_proposal_withdrawn":
        push({ text: paragraphProposal(ev, ctx, who, say, hashes), tone: "plain" });
        break;
      default:
        break;
    }
  }
  return out;
}

/** A sentence about a proposal on a whole paragraph: "Peru proposed a new paragraph after
 * OP 5", "Argentina (Presidency) rejected the United States' deletion of OP 7". */
function paragraphProposal(ev: Record<string, unknown>, ctx: Context, who: string, say: Say, hashes: string[] | undefined): string {
  const kind = str(ev.kind) === "delete" ? "delete" : str(ev.kind) === "move" ? "move" : "insert";
  const pid = str(ev.paragraph);
  const p = ctx.paragraph(pid, hashes) || say("aParagraph");
  const of = ctx.country(str(ev.country));
  const ofs = ctx.lang === "en" ? possessive(of) : of;
  switch (ev.event) {
    case "paragraph_proposal_made": {
      if (kind !== "insert") return say(`pp_made_${kind}`, { who, p });
      const before = ctx.before?.(pid, hashes) ?? "";
      return before ? say("pp_made_insert", { who, after: before }) : say("pp_made_insert_start", { who });
    }
    case "paragraph_proposal_accepted":
      return say(`pp_accepted_${kind}`, { who, p, of, ofs });
    case "paragraph_proposal_rejected":
      return say(`pp_rejected_${kind}`, { who, p, of, ofs });
    default:
      return say(`pp_withdrawn_${kind}`, { who: of, p });
  }
}

/** Entries told as one item of the feed. */
export interface Group {
  /** The newest entry (its time and author are shown). */
  newest: Entry;
  ids: number[];
  lines: Line[];
}

/** Entries of one delegation this close together may be told as one item. */
export const GROUP_MS = 10 * 60 * 1000;

/**
 * The feed's items, newest first. A proposal typed in many small changes is one item (the
 * same lines from the same delegation in a row), and so is a run of concordance
 * confirmations ("… of OP 1, OP 2 and OP 3").
 */
export function groups(entries: Entry[], ctx: Context): Group[] {
  const out: Group[] = [];
  const runs = new Map<Group, string[]>();
  for (const e of [...entries].sort((a, b) => b.id - a.id)) {
    const lines = describe(e, ctx);
    if (lines.length === 0) continue;
    const last = out[out.length - 1];
    const near = last && last.newest.country === e.country && last.newest.at - e.at < GROUP_MS;
    if (near && last.lines.map((l) => l.text).join("\n") === lines.map((l) => l.text).join("\n")) {
      last.ids.push(e.id);
      continue;
    }
    if (near && e.action === "concordance_confirmed" && last.newest.action === e.action) {
      const run = runs.get(last) ?? [];
      run.unshift(ctx.paragraph(str(((e.detail.note ?? {}) as Record<string, unknown>).paragraph)) || "¶");
      runs.set(last, run);
      last.ids.push(e.id);
      const and = ctx.lang === "es" ? " y " : " and ";
      const all = [...run, ctx.paragraph(str(((last.newest.detail.note ?? {}) as Record<string, unknown>).paragraph)) || "¶"];
      const list = `${all.slice(0, -1).join(", ")}${and}${all[all.length - 1]}`;
      last.lines = describe({ ...last.newest, detail: { note: { paragraph: "\u0000" } } }, { ...ctx, paragraph: () => list });
      continue;
    }
    out.push({ newest: e, ids: [e.id], lines });
  }
  return out;
}
