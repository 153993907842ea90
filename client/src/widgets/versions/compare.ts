// The compare view: two texts of a draft (saved versions, or a version and the current
// text) in one language, as the server compares them (`/diff`, core's `Comparison`). Shows
// the inline redline with each inserted and deleted word in the colour and code of the
// country credited with it (the same colours as the proposals), a legend of countries,
// the paragraphs added, removed and moved and the status changes, and offers the
// comparison as a file.
import { api } from "../../api/api";
import { type Comparison, CURRENT, type DiffFileFormat, type ParagraphDiff, type Piece, type Version, type VersionRef } from "../../api/types";
import { Labeller, short } from "../../logic/labels";
import type { Lang } from "../../logic/model";
import { slug } from "../../logic/slug";
import { colourOf, countryName } from "../../state/countries";
import { type Key, formatTime, lang, t } from "../../state/lang";
import { clear, h } from "../dom";
import { errorText } from "../errors";
import type { VersionsContext } from "./context";
import { saveFile } from "./download";

/** Grey for changes bound to no delegation (e.g. the server's own seeding). */
const NO_COUNTRY = "#6b7280";

/** A paragraph's label ("OP 3") in the newer and in the older text. */
export interface Labels {
  to: Map<string, string>;
  from: Map<string, string>;
}

/** Numbers preambular and operative paragraphs of both texts, in their own order. */
export function paragraphLabels(cmp: Comparison): Labels {
  const number = (side: "from" | "to"): Map<string, string> => {
    const at = (p: ParagraphDiff) => (side === "to" ? p.to_number : p.from_number);
    const kindOf = (p: ParagraphDiff) => (side === "from" && p.kind_change ? p.kind_change.from : p.kind);
    const rows = cmp.paragraphs.filter((p) => at(p) !== null).sort((a, b) => (at(a) ?? 0) - (at(b) ?? 0));
    const out = new Map<string, string>();
    const labeller = new Labeller();
    for (const p of rows) {
      const label = labeller.next(kindOf(p));
      // Headings and questions have no number: named by their place in the text here.
      out.set(p.id, short(label, lang()) ?? `${t("paragraphN", { n: at(p) ?? 0 })} (${t(label.kind === "heading" ? "heading" : "question")})`);
    }
    return out;
  };
  return { to: number("to"), from: number("from") };
}

/** The label a paragraph is known by: its newer one, or its older one once removed. */
function nameOf(labels: Labels, id: string): string {
  return labels.to.get(id) ?? labels.from.get(id) ?? id;
}

function who(country: string | undefined): string {
  return country ? countryName(country, lang()) : t("unattributed");
}

/** One piece of a redline: plain text, or an `<ins>`/`<del>` in its country's colour. */
/** `pending`: the texts of insertions still proposed (not accepted) in the later version: an
 * insertion among them is drawn as a proposal, apart from changes made to the text. */
export function pieceNode(p: Piece, pending: string[] = []): Node {
  if (p.op === "equal") return document.createTextNode(p.text);
  const c = p.country;
  const words = p.text.trim();
  const proposed = p.op === "insert" && words !== "" && pending.some((x) => x.includes(words));
  const title = `${t(p.op === "insert" ? "insertedBy" : "deletedBy", { who: who(c) })}${p.moved ? ` — ${t("movedWords")}` : ""}${proposed ? ` — ${t("cmpPending")}` : ""}`;
  return h(
    p.op === "insert" ? "ins" : "del",
    {
      class: `sg rl${c ? "" : " unattributed"}${p.moved ? " moved" : ""}${proposed ? " pending" : ""}`,
      ...(proposed ? { "data-pending": "true" } : {}),
      "data-country": c ?? "",
      style: `--c:${c ? colourOf(c) : NO_COUNTRY}`,
      title,
    },
    p.text,
  );
}

function statusBadge(s: string): HTMLElement {
  return h("span", { class: `status st-${s}` }, t(`status_${s}` as Key));
}

/** Whether a paragraph differs in any way. */
function differs(p: ParagraphDiff): boolean {
  return p.change !== "unchanged" || p.moved || p.status !== undefined || p.kind_change !== undefined;
}

/** The list of paragraphs added, removed, moved, and of status and kind changes. */
function changeNotes(cmp: Comparison, labels: Labels): Array<{ id: string; text: string; country?: string }> {
  const out: Array<{ id: string; text: string; country?: string }> = [];
  for (const p of cmp.paragraphs) {
    const para = nameOf(labels, p.id);
    if (p.change === "added") out.push({ id: p.id, text: p.by ? t("paraAddedBy", { para, who: who(p.by) }) : t("paraAdded", { para }), country: p.by });
    if (p.change === "removed") out.push({ id: p.id, text: p.by ? t("paraRemovedBy", { para, who: who(p.by) }) : t("paraRemoved", { para }), country: p.by });
    if (p.moved) out.push({ id: p.id, text: t("paraMoved", { para, was: labels.from.get(p.id) ?? "?" }) });
    if (p.status) out.push({ id: p.id, text: t("paraStatus", { para, from: t(`status_${p.status.from}` as Key), to: t(`status_${p.status.to}` as Key) }) });
    if (p.kind_change) out.push({ id: p.id, text: t("paraKind", { para, from: t(`kind_${p.kind_change.from}` as Key), to: t(`kind_${p.kind_change.to}` as Key) }) });
  }
  return out;
}

function tally(inserted: number, deleted: number): string {
  const parts: string[] = [];
  if (inserted > 0) parts.push(inserted === 1 ? t("wordInserted") : t("wordsInserted", { n: inserted }));
  if (deleted > 0) parts.push(deleted === 1 ? t("wordDeleted") : t("wordsDeleted", { n: deleted }));
  return parts.join(", ");
}

function chip(country: string | undefined): HTMLElement {
  return country
    ? h("span", { class: "chip", style: `--c:${colourOf(country)}`, title: countryName(country, lang()) }, country)
    : h("span", { class: "chip", style: `--c:${NO_COUNTRY}`, title: t("unattributed") }, "—");
}

/** Each summary count's wording for one paragraph. */
const SINGULAR = {
  sumChanged: "sumChanged1",
  sumAdded: "sumAdded1",
  sumRemoved: "sumRemoved1",
  sumMoved: "sumMoved1",
  sumStatus: "sumStatus1",
} as const satisfies Partial<Record<Key, Key>>;

/** Renders a comparison (without the controls). */
export function renderComparison(cmp: Comparison, onlyChanged: boolean, heading: string): HTMLElement {
  const labels = paragraphLabels(cmp);
  const pendingIn = (pid: string) => cmp.proposals.opened.filter((n) => n.kind === "insert" && n.paragraph === pid).map((n) => n.text);
  const s = cmp.summary;
  const out = h("div", { class: "cmp-body", "data-testid": "comparison" });
  out.append(h("p", { class: "cmp-heading" }, heading));
  const counts: Array<[number, keyof typeof SINGULAR]> = [
    [s.changed, "sumChanged"],
    [s.added, "sumAdded"],
    [s.removed, "sumRemoved"],
    [s.moved, "sumMoved"],
    [s.status_changed, "sumStatus"],
  ];
  const titleChanged = cmp.title.some((p) => p.op !== "equal");
  const nothing = counts.every(([n]) => n === 0) && !titleChanged && cmp.proposals.opened.length === 0 && cmp.proposals.settled.length === 0;
  if (nothing) {
    out.append(h("p", { class: "cmp-none", "data-testid": "no-differences" }, t("noDifferences")));
    return out;
  }
  out.append(
    h("p", { class: "cmp-summary", "data-testid": "cmp-summary" }, h("strong", {}, t("paragraphsColon")), " ",
      counts.filter(([n]) => n > 0).map(([n, k]) => (n === 1 ? t(SINGULAR[k]) : t(k, { n }))).join(" · ") || "—"),
  );

  // Legend: every country credited with a change, its colour and code, and its word counts.
  const tallies = Object.entries(s.by_country).sort((a, b) => b[1].inserted + b[1].deleted - (a[1].inserted + a[1].deleted));
  if (tallies.length > 0) {
    out.append(
      h("div", { class: "cmp-legend", "data-testid": "cmp-legend" },
        h("strong", {}, t("legend"), ":"),
        ...tallies.map(([code, n]) => {
          const c = code === "?" ? undefined : code;
          return h("span", { class: "legend-item", "data-country": c ?? "" },
            chip(c), " ", h("span", { class: "legend-name" }, who(c)), " ",
            h("span", { class: "muted" }, tally(n.inserted, n.deleted)));
        })),
    );
  }

  // Changes made to the text, and insertions still proposed, told apart.
  if (cmp.proposals.opened.some((n) => n.kind === "insert")) {
    out.append(h("p", { class: "cmp-key muted small", "data-testid": "cmp-key" },
      h("ins", { class: "sg rl unattributed", style: "--c:#5b6475" }, t("cmpAccepted")), " · ", h("ins", { class: "sg rl unattributed pending", style: "--c:#5b6475" }, t("cmpPending"))));
  }

  const notes = changeNotes(cmp, labels);
  if (notes.length > 0) {
    out.append(
      h("section", { class: "cmp-notes" },
        h("h3", {}, t("whatChanged")),
        h("ul", { "data-testid": "cmp-notes" }, ...notes.map((n) =>
          h("li", {}, n.country ? chip(n.country) : null, n.country ? " " : null,
            h("a", { href: `#cmp-${n.id}`, onclick: (e: Event) => { e.preventDefault(); out.querySelector(`#cmp-${CSS.escape(n.id)}`)?.scrollIntoView({ block: "center" }); } }, n.text))))),
    );
  }

  const proposalList = (key: Key, list: Comparison["proposals"]["opened"]) =>
    list.length === 0
      ? null
      : h("details", { class: "cmp-proposals" },
          h("summary", {}, t(key, { n: list.length })),
          h("ul", {}, ...list.map((p) =>
            h("li", {}, chip(p.country), ` ${t(p.kind === "insert" ? "insertion" : "deletion")} · ${nameOf(labels, p.paragraph)}: `,
              h("span", { class: p.kind === "insert" ? "q-ins" : "q-del", lang: cmp.lang }, p.text)))));
  if (cmp.proposals.opened.length > 0) out.append(h("p", { class: "muted small" }, t("pendingNote")));
  const opened = proposalList("proposalsOpened", cmp.proposals.opened);
  const settled = proposalList("proposalsSettled", cmp.proposals.settled);
  if (opened || settled) out.append(h("section", { class: "cmp-prop-lists" }, opened, settled));

  const text = h("div", { class: "cmp-text", lang: cmp.lang });
  if (titleChanged || !onlyChanged) text.append(h("h2", { class: "draft-title cmp-title" }, ...cmp.title.map((x) => pieceNode(x))));
  for (const p of cmp.paragraphs) {
    if (onlyChanged && !differs(p)) continue;
    const tags: HTMLElement[] = [];
    if (p.change === "added") tags.push(h("span", { class: "cmp-tag added" }, t("tagAdded")));
    if (p.change === "removed") tags.push(h("span", { class: "cmp-tag removed" }, t("tagRemoved")));
    if (p.moved) tags.push(h("span", { class: "cmp-tag moved", title: t("paraMoved", { para: nameOf(labels, p.id), was: labels.from.get(p.id) ?? "?" }) }, `${t("tagMoved")} (${labels.from.get(p.id) ?? "?"} →)`));
    const statusEl = p.status
      ? h("span", { class: "cmp-status", "data-testid": "cmp-status" }, statusBadge(p.status.from), " → ", statusBadge(p.status.to))
      : null;
    text.append(
      h("section", { class: `para cmp-para change-${p.change}${p.moved ? " is-moved" : ""}`, id: `cmp-${p.id}`, "data-paragraph": p.id, "data-change": p.change },
        h("div", { class: "para-head" }, h("span", { class: "num" }, nameOf(labels, p.id)), ...tags, statusEl,
          p.by ? h("span", { class: "muted small" }, chip(p.by), " ", who(p.by)) : null),
        h("div", { class: "cmp-pieces" }, ...p.pieces.map((x) => pieceNode(x, pendingIn(p.id))))),
    );
  }
  out.append(text);
  return out;
}

function versionName(versions: Version[], ref: VersionRef): string {
  if (ref === CURRENT) return t("currentText");
  return versions.find((v) => v.id === ref)?.label ?? ref;
}

/** The comparison shown, offered as files (Word, HTML, Markdown) under names a person recognises. */
function downloadButtons(ctx: VersionsContext, versions: Version[], shown: () => { from: VersionRef; to: VersionRef; docLang: Lang }, status: HTMLElement): HTMLElement[] {
  const files: Array<[DiffFileFormat, Key]> = [["docx", "fmtRedlineDocx"], ["html", "fmtRedlineHtml"], ["md", "fmtRedlineMd"]];
  const out: HTMLElement[] = [h("span", { class: "muted" }, t("downloadComparison"), ": ")];
  for (const [format, key] of files) {
    const b: HTMLButtonElement = h("button", { type: "button", "data-testid": `compare-download-${format}`, onclick: async () => {
      const { from, to, docLang } = shown();
      const name = `${slug(ctx.title()[docLang])}-${docLang}-${slug(versionName(versions, from))}-to-${slug(versionName(versions, to))}.${format}`;
      b.disabled = true;
      try {
        saveFile(await api.diffFile(ctx.draftId, from, to, docLang, format), name);
      } catch (err) {
        status.className = "cmp-status-line error";
        status.textContent = errorText(err);
      } finally {
        b.disabled = false;
      }
    } }, t(key));
    out.push(b);
  }
  return out;
}

/** Opens the compare view over the draft. */
export function openCompare(ctx: VersionsContext, versions: Version[], pick: { from: VersionRef; to: VersionRef; lang?: Lang }): void {
  let from = pick.from;
  let to = pick.to;
  let docLang: Lang = pick.lang ?? lang();
  let onlyChanged = true;
  let current: Comparison | null = null;
  let request = 0;

  const options = (selected: VersionRef) => [
    h("option", { value: CURRENT, selected: selected === CURRENT }, t("currentText")),
    ...[...versions].reverse().map((v) => h("option", { value: v.id, selected: selected === v.id }, `${v.label} — ${formatTime(v.created_at)}`)),
  ];
  const fromSel = h("select", { "data-testid": "compare-from", onchange: () => { from = fromSel.value; void run(); } }, ...options(from));
  const toSel = h("select", { "data-testid": "compare-to", onchange: () => { to = toSel.value; void run(); } }, ...options(to));
  const langs = h("div", { class: "x-langs", role: "group", "aria-label": t("textLanguage") });
  const only = h("input", { type: "checkbox", checked: onlyChanged, "data-testid": "only-changed", onchange: () => { onlyChanged = only.checked; paint(); } });
  const status = h("p", { class: "cmp-status-line", role: "status", "aria-live": "polite", "data-testid": "compare-status" });
  const body = h("div", { class: "cmp-scroll" });
  const downloads = h("div", { class: "cmp-downloads" });
  const dialog = h(
    "dialog",
    { class: "compare-sheet", "data-testid": "compare-view", "aria-labelledby": "compare-title" },
    h("div", { class: "cmp-bar" },
      h("h2", { id: "compare-title" }, t("compareVersions")),
      h("label", { class: "x-field" }, t("compareFrom"), fromSel),
      h("span", { class: "cmp-arrow", "aria-hidden": "true" }, "→"),
      h("label", { class: "x-field" }, t("compareTo"), toSel),
      h("div", { class: "x-field" }, h("span", {}, t("textLanguage")), langs),
      h("label", { class: "cmp-only" }, only, " ", t("onlyChanged")),
      h("div", { class: "spacer" }),
      h("button", { type: "button", class: "primary", "data-testid": "compare-close", onclick: () => dialog.close() }, t("backToDraft"))),
    status,
    body,
    downloads,
  );
  dialog.addEventListener("close", () => dialog.remove());

  function paintLangs(): void {
    clear(langs);
    for (const [code, name] of [["en", "English"], ["es", "Español"]] as const) {
      langs.append(h("button", { type: "button", class: docLang === code ? "on" : "", "aria-pressed": String(docLang === code), "data-testid": `compare-lang-${code}`, onclick: () => {
        if (docLang === code) return;
        docLang = code;
        paintLangs();
        void run();
      } }, name));
    }
  }

  function heading(): string {
    return t("changesFromTo", { from: versionName(versions, from), to: versionName(versions, to), lang: t(docLang === "en" ? "inLang_en" : "inLang_es") });
  }

  function paint(): void {
    clear(body);
    if (current) body.append(renderComparison(current, onlyChanged, heading()));
  }

  async function run(): Promise<void> {
    const mine = ++request;
    status.className = "cmp-status-line";
    if (from === to) {
      current = null;
      paint();
      status.textContent = t("pickTwo");
      return;
    }
    status.textContent = t("comparing");
    try {
      const cmp = await api.compare(ctx.draftId, from, to, docLang);
      if (mine !== request) return;
      current = cmp;
      status.textContent = "";
      paint();
    } catch (err) {
      if (mine !== request) return;
      current = null;
      paint();
      status.className = "cmp-status-line error";
      status.textContent = errorText(err);
    }
  }

  paintLangs();
  downloads.append(...downloadButtons(ctx, versions, () => ({ from, to, docLang }), status));
  document.body.append(dialog);
  dialog.showModal();
  void run();
}
