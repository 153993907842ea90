// Alternative formulations of a paragraph (DESIGN §5), shown as the numbered options
// negotiators know ("Alt 1", "Alt 2") with their sponsors' country badges. A delegation
// proposes one in both languages (itself as sole sponsor), co-sponsors another's, withdraws
// its sponsorship (the proposer withdrawing withdraws the alternative); a chair adopts one,
// whose texts replace the paragraph's. Shapes and rules: core/src/alternatives.rs and
// core/src/rules/alternatives.rs, which the server enforces.
import * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import type { User } from "./api";
import { colourOf, countryName } from "./countries";
import { clear, h } from "./dom";
import { lang, t } from "./i18n";

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

export interface AltOptions {
  handle: DocHandle<unknown>;
  pid: string;
  me: User;
  /** Whether the paragraph may be drafted on now (not frozen for this person). */
  open: () => boolean;
}

/** Draws a paragraph's alternatives into `box` and keeps them current; returns the cleanup. */
export function mountAlternatives(box: HTMLElement, o: AltOptions): () => void {
  const { handle, pid, me } = o;
  const delegation = (me.role === "delegate" || me.role === "chair") && me.country ? me.country : null;
  let composing = false;
  let last = "";
  const l = lang();
  box.classList.add("alternatives");
  box.dataset.testid = "alternatives";

  function paint(force = false): void {
    const alts = alternativesOf(handle.doc(), pid);
    const sig = JSON.stringify(alts) + String(o.open());
    // Redrawing would wipe what the person is typing into the form.
    if (!force && (sig === last || composing)) return;
    last = sig;
    clear(box);
    const change = (f: (d: unknown) => void) => handle.change((d) => f(d));
    for (const a of alts) {
      const sponsoring = delegation !== null && a.sponsors.includes(delegation);
      const live = a.state === "proposed" && o.open();
      box.append(h("div", { class: `alt st-${a.state}`, "data-alternative": a.id, "data-testid": "alternative" },
        h("div", { class: "alt-head" },
          h("strong", { class: "alt-num" }, `Alt ${a.number}`),
          h("span", { class: "alt-sponsors", "aria-label": t("altSponsors") }, ...a.sponsors.map((c) =>
            h("span", { class: "chip", style: `--c:${colourOf(c)}`, title: countryName(c, l), "data-testid": "alt-sponsor" }, c))),
          a.state !== "proposed" ? h("span", { class: "badge", "data-testid": "alt-state" }, t(a.state === "adopted" ? "altAdopted" : "altWithdrawn")) : null,
          h("span", { class: "spacer" }),
          live && delegation && !sponsoring ? h("button", { type: "button", "data-testid": "alt-cosponsor", onclick: () => change((d) => cosponsor(d, pid, a.id, delegation)) }, t("altCosponsor")) : null,
          live && delegation && sponsoring ? h("button", { type: "button", "data-testid": "alt-withdraw", onclick: () => change((d) => withdrawSponsorship(d, pid, a.id, delegation, a.proposer.country)) },
            a.proposer.country === delegation ? t("altWithdraw") : t("altLeave")) : null,
          me.role === "chair" && a.state !== "adopted" && o.open() ? h("button", { type: "button", class: "accept", "data-testid": "alt-adopt", onclick: () => {
            if (confirm(t("altConfirmAdopt", { n: a.number }))) change((d) => adopt(d, pid, a.id, a.text));
          } }, t("altAdopt")) : null),
        h("div", { class: "alt-texts" },
          h("p", { lang: "en" }, h("span", { class: "lang-tag" }, "EN"), " ", a.text.en),
          h("p", { lang: "es" }, h("span", { class: "lang-tag" }, "ES"), " ", a.text.es))));
    }
    if (!delegation || !o.open()) return;
    if (!composing) {
      box.append(h("button", { type: "button", class: "link alt-new", "data-testid": "alt-propose", onclick: () => { composing = true; paint(true); } }, t("altPropose")));
      return;
    }
    const en = h("textarea", { rows: 2, "aria-label": t("altTextEn"), "data-testid": "alt-en", placeholder: "English" });
    const es = h("textarea", { rows: 2, "aria-label": t("altTextEs"), "data-testid": "alt-es", placeholder: "Español" });
    const msg = h("span", { class: "error", role: "alert" });
    box.append(h("div", { class: "alt-form" },
      h("label", {}, t("altTextEn"), en),
      h("label", {}, t("altTextEs"), es),
      h("div", {},
        h("button", { type: "button", class: "primary", "data-testid": "alt-submit", onclick: () => {
          const text = { en: en.value.trim(), es: es.value.trim() };
          if (!text.en || !text.es) {
            msg.textContent = t("altBothLanguages");
            return;
          }
          composing = false;
          change((d) => proposeAlternative(d, pid, text, { user: me.id, country: delegation }, Date.now()));
          paint(true);
        } }, t("altSubmit")),
        " ",
        h("button", { type: "button", onclick: () => { composing = false; paint(true); } }, t("altCancel")),
        " ",
        msg)));
    en.focus();
  }
  const onChange = () => paint();
  handle.on("change", onChange);
  paint(true);
  return () => handle.off("change", onChange);
}
