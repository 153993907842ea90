// The text: the title and the paragraphs in reading order, each with its label, status,
// lead countries, one editor per language shown (widgets/editor/) and its alternatives.
// Drawn again when the outline changes (paragraphs, kinds, statuses), the lock changes or
// the languages shown do; the editors follow every other change themselves.
import type { DocHandle } from "@automerge/automerge-repo";
import type { SchemaAdapter } from "@automerge/prosemirror";
import type { Lang } from "../../logic/model";
import { type ParagraphRights, decides, frozenFor, mayEditDirectly, mayPropose } from "../../logic/permissions";
import type { Editor } from "../../logic/suggest";
import { colourOf, countryName } from "../../state/countries";
import { t } from "../../state/lang";
import { mountAlternatives } from "../../widgets/alternatives";
import type { RemoteCursors } from "../../widgets/cursors";
import { clear, h } from "../../widgets/dom";
import { type Binding, bind } from "../../widgets/editor/bind";
import type { DraftContext } from "./context";

/** Text selected in one paragraph's text (what a new comment is on). */
export interface TextSelection {
  pid: string;
  lang: Lang;
  from: number;
  to: number;
  quote: string;
}

export interface TextOptions {
  adapter: SchemaAdapter;
  who: () => Editor;
  cursors: RemoteCursors;
  /** A click on a proposal in the text. */
  onProposalClick: (id: string) => void;
  /** The selection changed (null: nothing selected). */
  onSelect: (selection: TextSelection | null) => void;
}

export interface Text {
  titleEl: HTMLElement;
  body: HTMLElement;
  paint(): void;
  destroy(): void;
}

export function mountText(ctx: DraftContext, o: TextOptions): Text {
  const { handle, me, l, state } = ctx;
  const titleEl = h("h1", { class: "draft-title" });
  const body = h("div", { class: "paragraphs" });
  const bindings: Binding[] = [];
  const unmounts: Array<() => void> = [];

  function destroyAll(): void {
    for (const b of bindings.splice(0)) b.destroy();
    for (const u of unmounts.splice(0)) u();
    o.cursors.detachAll();
  }

  /** One paragraph: its head, its texts, its alternatives. `drawn`: its rights when drawn,
   * read while it is being removed. */
  function paragraph(pid: string, kind: string, label: string, drawn: ParagraphRights): HTMLElement {
    const rights = () => (ctx.outline().paragraphs[pid] ? ctx.rights(pid) : drawn);
    const editable = () => ctx.unlocked() && mayPropose(me, rights());
    const row = h("section", { class: `para kind-${kind}`, "data-paragraph": pid });
    row.append(
      h("div", { class: "para-head" }, h("span", { class: "num" }, label), h("span", { class: `status st-${drawn.status}`, "data-testid": "status" }, t(`status_${drawn.status}`)),
        frozenFor(me, drawn) ? h("span", { class: "muted small" }, t("frozen")) : null,
        ...drawn.editors.map((c) => h("span", { class: "chip", style: `--c:${colourOf(c)}`, title: t("leadEdits", { country: countryName(c, l) }), "data-testid": "para-editor" }, c))),
    );
    const cols = h("div", { class: "cols" });
    for (const lg of state.showLangs) {
      const el = h("div", { class: `text lang-${lg}`, "data-lang": lg, "data-testid": `text-${lg}` });
      const col = h("div", { class: "col" }, h("div", { class: "lang-tag" }, lg.toUpperCase()), el);
      cols.append(col);
      const binding = bind(el, {
        handle: handle as unknown as DocHandle<unknown>,
        path: ["paragraphs", pid, "text", lg],
        adapter: o.adapter,
        who: o.who,
        // A paragraph's own editors (a Concept Note session's lead countries) edit it directly.
        suggesting: () => (decides(me) ? state.suggesting : !mayEditDirectly(me, rights())),
        editable,
        onProposalClick: o.onProposalClick,
        onSelect: (from, to) => {
          o.cursors.announce(pid, lg, to);
          o.onSelect(to > from ? { pid, lang: lg, from, to, quote: String(handle.doc().paragraphs[pid]?.text[lg] ?? "").slice(from, to) } : null);
        },
        label: `${label} ${lg === "en" ? "English" : "Español"}`,
        lang: lg,
      });
      bindings.push(binding);
      o.cursors.attach(pid, lg, binding.view, col);
    }
    row.append(cols);
    const alts = h("div");
    unmounts.push(mountAlternatives(alts, { handle: handle as unknown as DocHandle<unknown>, pid, me, rights, unlocked: ctx.unlocked }));
    row.append(alts);
    return row;
  }

  function paint(): void {
    destroyAll();
    clear(body);
    const doc = ctx.outline();
    const labels = ctx.labels();
    titleEl.textContent = doc.title[l];
    body.classList.toggle("one-lang", state.showLangs.length === 1);
    body.dataset.lock = state.locked === undefined ? "unknown" : state.locked ? "locked" : "open";
    for (const pid of doc.order) {
      const p = doc.paragraphs[pid];
      if (!p) continue;
      body.append(paragraph(pid, p.kind, labels.get(pid) ?? "", { status: p.status, editors: ctx.rights(pid).editors }));
    }
  }

  return { titleEl, body, paint, destroy: destroyAll };
}
