// Alternative formulations of a paragraph (DESIGN §5), shown as the numbered options
// negotiators know ("Alt 1", "Alt 2") with their sponsors' country badges. A delegation
// proposes one in both languages (itself as sole sponsor), co-sponsors another's, withdraws
// its sponsorship (the proposer withdrawing withdraws the alternative); a chair adopts one,
// whose texts replace the paragraph's. The document side is logic/alternatives.ts.
import type { DocHandle } from "@automerge/automerge-repo";
import { type Alternative, adopt, alternativesOf, cosponsor, proposeAlternative, withdrawSponsorship } from "../logic/alternatives";
import type { User } from "../logic/model";
import { type ParagraphRights, delegationOf, mayAdoptAlternative, mayCosponsor, mayLeaveSponsorship, mayPropose, mayProposeAlternative } from "../logic/permissions";
import { colourOf, countryName } from "../state/countries";
import { lang, t } from "../state/lang";
import { confirmDialog } from "./dialog";
import { clear, h } from "./dom";

export interface AltOptions {
  handle: DocHandle<unknown>;
  pid: string;
  me: User;
  /** What the permission rules read of the paragraph now. */
  rights: () => ParagraphRights;
  /** Whether the text takes changes now (no workflow lock). */
  unlocked: () => boolean;
}

/** Draws a paragraph's alternatives into `box` and keeps them current; returns the cleanup. */
export function mountAlternatives(box: HTMLElement, o: AltOptions): () => void {
  const { handle, pid, me } = o;
  let composing = false;
  let last = "";
  const l = lang();
  box.classList.add("alternatives");
  box.dataset.testid = "alternatives";
  const change = (f: (d: unknown) => void) => handle.change((d) => f(d));
  /** Whether the paragraph may be drafted on now (no lock, not frozen for this person). */
  const open = () => o.unlocked() && mayPropose(me, o.rights());

  /** One alternative: its number, sponsors and state, what this person may do with it, its texts. */
  function card(a: Alternative): HTMLElement {
    const rights = o.rights();
    const live = a.state === "proposed" && open();
    const delegation = delegationOf(me);
    return h("div", { class: `alt st-${a.state}`, "data-alternative": a.id, "data-testid": "alternative" },
      h("div", { class: "alt-head" },
        h("strong", { class: "alt-num" }, `Alt ${a.number}`),
        h("span", { class: "alt-sponsors", "aria-label": t("altSponsors") }, ...a.sponsors.map((c) =>
          h("span", { class: "chip", style: `--c:${colourOf(c)}`, title: countryName(c, l), "data-testid": "alt-sponsor" }, c))),
        a.state !== "proposed" ? h("span", { class: "badge", "data-testid": "alt-state" }, t(a.state === "adopted" ? "altAdopted" : "altWithdrawn")) : null,
        h("span", { class: "spacer" }),
        live && delegation && mayCosponsor(me, rights, a.sponsors) ? h("button", { type: "button", "data-testid": "alt-cosponsor", onclick: () => change((d) => cosponsor(d, pid, a.id, delegation)) }, t("altCosponsor")) : null,
        live && delegation && mayLeaveSponsorship(me, rights, a.sponsors) ? h("button", { type: "button", "data-testid": "alt-withdraw", onclick: () => change((d) => withdrawSponsorship(d, pid, a.id, delegation, a.proposer.country)) },
          a.proposer.country === delegation ? t("altWithdraw") : t("altLeave")) : null,
        mayAdoptAlternative(me) && a.state !== "adopted" && open() ? h("button", { type: "button", class: "accept", "data-testid": "alt-adopt", onclick: () => {
          void confirmDialog(t("altAdopt"), t("altConfirmAdopt", { n: a.number }), t("altAdopt")).then((yes) => {
            if (yes) change((d) => adopt(d, pid, a.id, a.text));
          });
        } }, t("altAdopt")) : null),
      h("div", { class: "alt-texts" },
        h("p", { lang: "en" }, h("span", { class: "lang-tag" }, "EN"), " ", a.text.en),
        h("p", { lang: "es" }, h("span", { class: "lang-tag" }, "ES"), " ", a.text.es)));
  }

  /** The form that proposes an alternative in both languages, in `delegation`'s name. */
  function form(delegation: string): HTMLElement {
    const en = h("textarea", { rows: 2, "aria-label": t("altTextEn"), "data-testid": "alt-en", placeholder: "English" });
    const es = h("textarea", { rows: 2, "aria-label": t("altTextEs"), "data-testid": "alt-es", placeholder: "Español" });
    const msg = h("span", { class: "error", role: "alert" });
    const el = h("div", { class: "alt-form" },
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
        msg));
    return el;
  }

  function paint(force = false): void {
    const alts = alternativesOf(handle.doc(), pid);
    const sig = JSON.stringify(alts) + String(open());
    // Redrawing would wipe what the person is typing into the form.
    if (!force && (sig === last || composing)) return;
    last = sig;
    clear(box);
    for (const a of alts) box.append(card(a));
    const delegation = delegationOf(me);
    if (!delegation || !o.unlocked() || !mayProposeAlternative(me, o.rights())) return;
    if (!composing) {
      box.append(h("button", { type: "button", class: "link alt-new", "data-testid": "alt-propose", onclick: () => { composing = true; paint(true); } }, t("altPropose")));
      return;
    }
    box.append(form(delegation));
    box.querySelector<HTMLTextAreaElement>("[data-testid=alt-en]")?.focus();
  }
  const onChange = () => paint();
  handle.on("change", onChange);
  paint(true);
  return () => handle.off("change", onChange);
}
