// The version history panel of the draft view: save the text as it stands under a name,
// list the saved versions (name, who, delegation, when in the reader's own locale), and
// from each one open the comparison or the export dialog.
import "./versions.css";
import { api } from "../../api/api";
import { CURRENT, type Version } from "../../api/types";
import type { Lang } from "../../logic/model";
import { colourOf, countryName } from "../../state/countries";
import { formatTime, lang, t } from "../../state/lang";
import { clear, h } from "../dom";
import { errorText } from "../errors";
import { openCompare } from "./compare";
import type { VersionsContext } from "./context";
import { openExport } from "./export";

export interface VersionsPanel {
  el: HTMLElement;
  /** Reloads the list from the server (the panel was shown again). */
  refresh(): void;
}

/** "Saved by …" for a version: the person when known, their delegation always. */
export function savedBy(ctx: VersionsContext, v: Version): string {
  if (!v.created_by) return t("savedAutomatically");
  return t("savedBy", { who: ctx.personOf(v.created_by, v.country ?? "") });
}

/** One saved version: its name, who saved it and when, and what to do with it. */
function versionItem(ctx: VersionsContext, versions: Version[], i: number, l: Lang): HTMLElement {
  const v = versions[i];
  const previous = i > 0 ? versions[i - 1] : null;
  return h(
    "li",
    { class: "version", "data-version": v.id, "data-testid": "version" },
    h("div", { class: "v-label" }, v.label),
    h(
      "div",
      { class: "v-meta muted" },
      v.country ? h("span", { class: "chip", style: `--c:${colourOf(v.country)}`, title: countryName(v.country, l) }, v.country) : null,
      v.country ? " " : null,
      h("span", {}, savedBy(ctx, v)),
      " · ",
      h("time", { datetime: new Date(v.created_at).toISOString(), "data-testid": "version-time" }, formatTime(v.created_at)),
    ),
    h(
      "div",
      { class: "v-actions" },
      h("button", { type: "button", "data-testid": "compare-current", onclick: () => openCompare(ctx, versions, { from: v.id, to: CURRENT }) }, t("compareWithCurrent")),
      previous
        ? h("button", { type: "button", "data-testid": "compare-previous", onclick: () => openCompare(ctx, versions, { from: previous.id, to: v.id }) }, t("compareWithPrevious"))
        : null,
      h("button", { type: "button", "data-testid": "export-version", onclick: () => openExport(ctx, versions, v.id) }, t("exportVersion")),
    ),
  );
}

export function versionsPanel(ctx: VersionsContext): VersionsPanel {
  const l = lang();
  let versions: Version[] = [];
  let loaded = false;
  const message = h("p", { class: "v-message", role: "status", "aria-live": "polite", "data-testid": "versions-message" });
  const name = h("input", {
    name: "version-label",
    maxlength: 200,
    placeholder: t("versionNameHint"),
    "aria-label": t("versionName"),
    "data-testid": "version-label",
  });
  const saveButton = h("button", { type: "submit", class: "primary", "data-testid": "save-version" }, t("saveVersion"));
  const form = h(
    "form",
    {
      class: "v-save",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const label = name.value.trim();
        if (!label) {
          say(t("nameRequired"), true);
          name.focus();
          return;
        }
        saveButton.disabled = true;
        say(t("saving"));
        try {
          const v = await api.saveVersion(ctx.draftId, label);
          name.value = "";
          say(t("versionSaved", { label: v.label }));
          await load();
        } catch (err) {
          say(errorText(err), true);
        } finally {
          saveButton.disabled = false;
        }
      },
    },
    h("label", { class: "v-name" }, t("versionName"), name),
    saveButton,
  );
  const list = h("ol", { class: "versions", "data-testid": "versions" });
  const compareAll = h("button", { type: "button", "data-testid": "open-compare", onclick: () => openCompare(ctx, versions, defaultPair()) }, t("compareVersions"));
  const el = h(
    "div",
    { class: "box versions-panel" },
    h("h2", {}, t("versions")),
    h("p", { class: "muted small" }, t("versionsHelp")),
    form,
    message,
    h("div", { class: "v-list-head" }, h("h3", {}, t("savedVersions")), compareAll),
    list,
  );

  function say(text: string, bad = false): void {
    message.textContent = text;
    message.classList.toggle("error", bad);
  }

  // The newest version against the current text, or nothing to compare yet.
  function defaultPair(): { from: string; to: string } {
    const newest = versions[versions.length - 1];
    return { from: newest ? newest.id : CURRENT, to: CURRENT };
  }

  function paint(): void {
    clear(list);
    compareAll.disabled = versions.length === 0;
    if (!loaded) {
      list.append(h("li", { class: "muted" }, t("loading")));
      return;
    }
    if (versions.length === 0) {
      list.append(h("li", { class: "muted" }, t("noVersions")));
      return;
    }
    // Newest first: what people look for is the last text sent out.
    for (let i = versions.length - 1; i >= 0; i--) list.append(versionItem(ctx, versions, i, l));
  }

  async function load(): Promise<void> {
    try {
      versions = await api.versions(ctx.draftId);
      loaded = true;
      paint();
    } catch (err) {
      say(errorText(err), true);
    }
  }

  paint();
  void load();
  return { el, refresh: () => void load() };
}
