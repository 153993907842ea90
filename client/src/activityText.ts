// What an activity entry says, in the reader's language: each entry of
// GET /api/drafts/{id}/activity becomes one or more lines ("Peru proposed an insertion in
// OP 3 (ES)", "Mexico put the text under silence until 30 Nov, 18:00 GMT-5"). Pure (no
// DOM, no fetch), unit-tested; activityFeed.ts draws and polls.
import { SECRETARIAT } from "./countries";
import type { Lang } from "./i18n";

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
  /** "OP 3" for a paragraph id ("" when it is gone). */
  paragraph: (pid: string) => string;
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

const words = {
  en: {
    someone: "Someone",
    secretariat: "The secretariat",
    insertion: "an insertion",
    deletion: "a deletion",
    proposal_made: "{who} proposed {kind} in {p} ({lang})",
    proposal_withdrawn: "{who} withdrew its proposal in {p} ({lang})",
    proposal_accepted: "{who} accepted the proposal of {of} in {p} ({lang})",
    proposal_rejected: "{who} rejected the proposal of {of} in {p} ({lang})",
    direct_edit: "{who} edited {p} ({lang})",
    status_changed: "{who} set {p} to “{to}” (was “{from}”)",
    status_reason: "Reason: {reason}",
    paragraph_added: "{who} added a paragraph ({p})",
    paragraph_removed: "{who} removed a paragraph",
    order_changed: "{who} reordered the paragraphs",
    title_changed: "{who} changed the title",
    thread_opened: "{who} opened a comment thread on {p}",
    comment_added: "{who} replied in a comment thread",
    alt_proposed: "{who} proposed {alt} for {p}",
    alt_edited: "{who} revised {alt} for {p}",
    alt_cosponsored: "{who} co-sponsored {alt} for {p}",
    alt_sponsorship_withdrawn: "{who} withdrew its co-sponsorship of {alt} for {p}",
    alt_withdrawn: "{who} withdrew {alt} for {p}",
    alt_reinstated: "{who} proposed {alt} for {p} again",
    alt_adopted: "{who} adopted {alt} as the text of {p}",
    alt_unadopted: "{who} undid the adoption of {alt} for {p}",
    anAlternative: "an alternative",
    concordance: "{who} confirmed the EN/ES concordance of {p}",
    approval_given: "{who} approved the text on behalf of its Pro-Tempore Presidency",
    approval_voided: "The approval of {who} was voided: the text changed afterwards",
    draft_adopted_silence: "The text was adopted: the silence procedure ended without objection",
    draft_adopted_approvals: "The text was adopted with the approval of both Pro-Tempore Presidencies",
    fingerprint: "Certified fingerprint {fp}…",
    adoption_refused: "Adoption was refused: paragraphs are out of EN/ES concordance",
    silence_proposed: "{who} proposed a silence procedure until {time}; it starts when the other Pro-Tempore Presidency agrees",
    silence_agreed: "{who} agreed to the silence procedure",
    silence_started: "{who} put the text under silence until {time}",
    silence_broken: "{who} broke the silence with an objection: “{text}”",
    silence_lapsed: "The silence procedure ended without adoption",
    violation_refused: "A change by {who} was refused: {detail}",
    draft_created: "{who} created the draft",
    changes: "{who} changed the text",
    status_open: "Open",
    status_bracketed: "Bracketed",
    status_agreed_ad_ref: "Agreed ad ref.",
    status_agreed: "Agreed",
  },
  es: {
    someone: "Alguien",
    secretariat: "La secretaría",
    insertion: "una inserción",
    deletion: "una supresión",
    proposal_made: "{who} propuso {kind} en {p} ({lang})",
    proposal_withdrawn: "{who} retiró su propuesta en {p} ({lang})",
    proposal_accepted: "{who} aceptó la propuesta de {of} en {p} ({lang})",
    proposal_rejected: "{who} rechazó la propuesta de {of} en {p} ({lang})",
    direct_edit: "{who} editó {p} ({lang})",
    status_changed: "{who} pasó {p} a «{to}» (antes «{from}»)",
    status_reason: "Motivo: {reason}",
    paragraph_added: "{who} añadió un párrafo ({p})",
    paragraph_removed: "{who} suprimió un párrafo",
    order_changed: "{who} reordenó los párrafos",
    title_changed: "{who} cambió el título",
    thread_opened: "{who} abrió un hilo de comentarios en {p}",
    comment_added: "{who} respondió en un hilo de comentarios",
    alt_proposed: "{who} propuso {alt} para {p}",
    alt_edited: "{who} revisó {alt} para {p}",
    alt_cosponsored: "{who} copatrocinó {alt} para {p}",
    alt_sponsorship_withdrawn: "{who} retiró su copatrocinio de {alt} para {p}",
    alt_withdrawn: "{who} retiró {alt} para {p}",
    alt_reinstated: "{who} volvió a proponer {alt} para {p}",
    alt_adopted: "{who} adoptó {alt} como texto de {p}",
    alt_unadopted: "{who} deshizo la adopción de {alt} para {p}",
    anAlternative: "una alternativa",
    concordance: "{who} confirmó la concordancia EN/ES de {p}",
    approval_given: "{who} aprobó el texto en nombre de su Presidencia Pro Tempore",
    approval_voided: "La aprobación de {who} quedó sin efecto: el texto cambió después",
    draft_adopted_silence: "El texto fue adoptado: el procedimiento de silencio terminó sin objeciones",
    draft_adopted_approvals: "El texto fue adoptado con la aprobación de ambas Presidencias Pro Tempore",
    fingerprint: "Huella certificada {fp}…",
    adoption_refused: "Se rechazó la adopción: hay párrafos sin concordancia EN/ES",
    silence_proposed: "{who} propuso un procedimiento de silencio hasta el {time}; comienza cuando la otra Presidencia Pro Tempore esté de acuerdo",
    silence_agreed: "{who} aceptó el procedimiento de silencio",
    silence_started: "{who} sometió el texto a silencio hasta el {time}",
    silence_broken: "{who} rompió el silencio con una objeción: «{text}»",
    silence_lapsed: "El procedimiento de silencio terminó sin adopción",
    violation_refused: "Se rechazó un cambio de {who}: {detail}",
    draft_created: "{who} creó el borrador",
    changes: "{who} modificó el texto",
    status_open: "Abierto",
    status_bracketed: "Entre corchetes",
    status_agreed_ad_ref: "Acordado ad ref.",
    status_agreed: "Acordado",
  },
} as const;
type Word = keyof (typeof words)["en"];

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** English says "the United States", "the Dominican Republic"; Spanish needs no article. */
export function inSentence(name: string, lang: Lang): string {
  return lang === "en" && /^(United |Dominican Republic|Bahamas|Netherlands|Philippines)/.test(name) ? `the ${name}` : name;
}

/** The lines an entry shows; empty for entries the feed does not tell (comment edits…). */
export function describe(e: Entry, ctx: Context): Line[] {
  const named = { ...ctx, country: (c: string) => inSentence(ctx.country(c), ctx.lang) };
  return tell(e, named).map((l) => ({ ...l, text: l.text.charAt(0).toUpperCase() + l.text.slice(1) }));
}

function tell(e: Entry, ctx: Context): Line[] {
  const W = words[ctx.lang];
  const say = (key: Word, params: Record<string, string> = {}): string => {
    let s: string = W[key];
    for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, v);
    return s;
  };
  // The technical secretariat signs as "SEC", which is no country.
  const who = e.country && e.country !== SECRETARIAT ? ctx.country(e.country) : e.user ? W.secretariat : W.someone;
  const d = e.detail;
  const p = (pid: unknown) => ctx.paragraph(str(pid)) || "¶";
  const statusWord = (s: unknown) => (W as Record<string, string>)[`status_${str(s)}`] ?? str(s);
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
      return events(e, ctx, who, say, p);
  }
}

type Say = (key: Word, params?: Record<string, string>) => string;

/** The lines of the events a change carries (`detail.events`). */
function events(e: Entry, ctx: Context, who: string, say: Say, p: (pid: unknown) => string): Line[] {
  const list = Array.isArray(e.detail.events) ? (e.detail.events as Array<Record<string, unknown>>) : [];
  const out: Line[] = [];
  const seen = new Set<string>();
  const push = (line: Line) => {
    // One line per distinct sentence: a change in both languages says so once per language.
    if (!seen.has(line.text)) out.push(line);
    seen.add(line.text);
  };
  for (const ev of list) {
    const lang = str(ev.lang).toUpperCase();
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
          const W = words[ctx.lang] as Record<string, string>;
          push({ text: say("status_changed", { who, p: p(ev.paragraph), to: W[`status_${str(ev.to)}`] ?? str(ev.to), from: W[`status_${str(ev.from)}`] ?? str(ev.from) }), tone: ev.to === "agreed" ? "agreed" : "plain" });
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
      case "alternative": {
        const action = str(ev.action);
        const key = `alt_${action}` as Word;
        if (!(key in words.en)) break;
        const known = ctx.alternative(str(ev.paragraph), str(ev.alternative));
        const alt = known === null ? say("anAlternative") : ctx.lang === "es" ? `la ${known}` : known;
        push({ text: say(key, { who, alt, p: p(ev.paragraph) }), tone: action === "adopted" ? "agreed" : "plain" });
        break;
      }
      default:
        break;
    }
  }
  return out;
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
