// Alternative formulations of a paragraph (DESIGN §5) in the document: read numbered as
// negotiators know them ("Alt 1", "Alt 2", as core numbers them), and the changes a
// delegation or a chair makes to them (inside a `change`). Shapes and rules:
// core/src/alternatives.rs and core/src/rules/alternatives.rs, which the server enforces.
import * as A from "@automerge/automerge";

export type AltState = "proposed" | "adopted" | "withdrawn";
export interface Alternative {
  id: string;
  /** 1 for "Alt 1": by time proposed, then id (as core numbers them). */
  number: number;
  text: { en: string; es: string };
  sponsors: string[];
  proposer: { user: string; country: string; at: number };
  state: AltState;
}

interface RawAlt {
  text?: { en?: unknown; es?: unknown };
  sponsors?: unknown[];
  proposer?: { user?: unknown; country?: unknown; at?: unknown };
  state?: unknown;
}
type Doc = { paragraphs?: Record<string, { alternatives?: Record<string, RawAlt> }> };

/** A paragraph's alternatives, numbered. Sponsors are listed once each. */
export function alternativesOf(doc: unknown, pid: string): Alternative[] {
  const raw = (doc as Doc).paragraphs?.[pid]?.alternatives ?? {};
  const out: Alternative[] = [];
  for (const [id, a] of Object.entries(raw)) {
    const sponsors: string[] = [];
    for (const s of a.sponsors ?? []) if (!sponsors.includes(String(s))) sponsors.push(String(s));
    const state = String(a.state);
    out.push({
      id,
      number: 0,
      text: { en: String(a.text?.en ?? ""), es: String(a.text?.es ?? "") },
      sponsors,
      proposer: { user: String(a.proposer?.user ?? ""), country: String(a.proposer?.country ?? ""), at: Number(a.proposer?.at ?? 0) },
      state: state === "adopted" || state === "withdrawn" ? state : "proposed",
    });
  }
  out.sort((x, y) => x.proposer.at - y.proposer.at || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  out.forEach((a, i) => (a.number = i + 1));
  return out;
}

const s = (v: string) => new A.ImmutableString(v);
function token(prefix: string): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return prefix + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

type Para = { alternatives?: Record<string, unknown> };
const paragraphOf = (d: unknown, pid: string) => (d as { paragraphs: Record<string, Para> }).paragraphs[pid];
const altOf = (d: unknown, pid: string, id: string) =>
  (paragraphOf(d, pid).alternatives as Record<string, { sponsors: unknown[]; state: unknown; text: Record<string, string> }>)[id];

/** Proposes an alternative (inside a `change`): both texts, the proposer's country as sole sponsor. */
export function proposeAlternative(d: unknown, pid: string, text: { en: string; es: string }, by: { user: string; country: string }, now: number): string {
  const p = paragraphOf(d, pid);
  // Drafts made before alternatives existed lack the map.
  if (!p.alternatives) p.alternatives = {};
  const id = token("a");
  p.alternatives[id] = {
    text: { en: text.en, es: text.es },
    sponsors: [s(by.country)],
    proposer: { user: s(by.user), country: s(by.country), at: now },
    state: s("proposed"),
  };
  return id;
}

/** Adds a country to the sponsors (nothing if it is one). */
export function cosponsor(d: unknown, pid: string, id: string, country: string): void {
  const a = altOf(d, pid, id);
  if (!a.sponsors.some((c) => String(c) === country)) a.sponsors.push(s(country));
}

/** Removes a country's sponsorship; the proposer's withdrawal withdraws the alternative. */
export function withdrawSponsorship(d: unknown, pid: string, id: string, country: string, proposer: string): void {
  const a = altOf(d, pid, id);
  if (country === proposer) {
    a.state = s("withdrawn");
    return;
  }
  for (let i = a.sponsors.length - 1; i >= 0; i--) if (String(a.sponsors[i]) === country) a.sponsors.splice(i, 1);
}

/** A chair adopts: the alternative's texts replace the paragraph's (whole, so no proposal
 * marks survive on them) and it is marked adopted. */
export function adopt(d: unknown, pid: string, id: string, text: { en: string; es: string }): void {
  for (const l of ["en", "es"] as const) {
    const path = ["paragraphs", pid, "text", l];
    const current = (d as { paragraphs: Record<string, { text: Record<string, string> }> }).paragraphs[pid].text[l];
    A.splice(d as A.Doc<unknown>, path, 0, String(current).length, text[l]);
  }
  altOf(d, pid, id).state = s("adopted");
}
