// The export dialog: the current text or a saved version, in English or Spanish, as
// Markdown, a printable HTML page, a clean Word file or a Word file with every pending
// proposal as a tracked change. The files are the server's (`/export`), handed to the
// browser as downloads; a refusal is shown in words.
import { api } from "../../api/api";
import { CURRENT, type ExportFormat, type Version } from "../../api/types";
import type { Lang } from "../../logic/model";
import { slug } from "../../logic/slug";
import { type Key, formatTime, lang, t } from "../../state/lang";
import { clear, h } from "../dom";
import { errorText } from "../errors";
import type { VersionsContext } from "./context";
import { saveFile } from "./download";

const FORMATS: Array<{ format: ExportFormat; key: Key; ext: string }> = [
  { format: "docx", key: "fmtDocx", ext: "-clean.docx" },
  { format: "docx-tracked", key: "fmtDocxTracked", ext: "-tracked.docx" },
  { format: "html", key: "fmtHtml", ext: ".html" },
  { format: "md", key: "fmtMd", ext: ".md" },
];

/** The toolbar's export button. */
export function exportButton(ctx: VersionsContext): HTMLElement {
  return h("button", { type: "button", class: "export-open", "data-testid": "export-open", onclick: () => openExport(ctx, null, CURRENT) }, t("exportText"));
}

/**
 * Opens the export dialog with `selected` ("current" or a version id) chosen. `versions`
 * is the list already loaded, or null to load it.
 */
export function openExport(ctx: VersionsContext, versions: Version[] | null, selected: string): void {
  let docLang: Lang = lang();
  const which = h("select", { "data-testid": "export-which", "aria-label": t("exportWhich") });
  const status = h("p", { class: "x-status", role: "status", "aria-live": "polite", "data-testid": "export-status" });
  const langs = h("div", { class: "x-langs", role: "group", "aria-label": t("textLanguage") });
  const buttons = h("div", { class: "x-formats" });
  const dialog = h(
    "dialog",
    { class: "export-dialog", "data-testid": "export-dialog", "aria-labelledby": "export-title" },
    h("div", { class: "x-head" }, h("h2", { id: "export-title" }, t("exportTitle")), h("button", { type: "button", class: "close", "aria-label": t("close"), onclick: () => dialog.close() }, "×")),
    h("label", { class: "x-field" }, t("exportWhich"), which),
    h("div", { class: "x-field" }, h("span", {}, t("textLanguage")), langs),
    h("p", { class: "muted small" }, t("exportHelp")),
    buttons,
    status,
  );
  dialog.addEventListener("close", () => dialog.remove());

  function fillWhich(list: Version[]): void {
    clear(which);
    which.append(h("option", { value: CURRENT, selected: selected === CURRENT }, t("currentText")));
    for (const v of [...list].reverse()) {
      which.append(h("option", { value: v.id, selected: selected === v.id }, `${v.label} — ${formatTime(v.created_at)}`));
    }
  }

  function paintLangs(): void {
    clear(langs);
    for (const [code, label] of [["en", "English"], ["es", "Español"]] as const) {
      langs.append(h("button", { type: "button", class: docLang === code ? "on" : "", "aria-pressed": String(docLang === code), "data-testid": `export-lang-${code}`, onclick: () => { docLang = code; paintLangs(); } }, label));
    }
  }

  async function download(format: ExportFormat, ext: string, button: HTMLButtonElement): Promise<void> {
    const version = which.value || CURRENT;
    const label = version === CURRENT ? t("currentText") : (which.selectedOptions[0]?.textContent ?? version).split(" — ")[0];
    // A name a person recognises in their downloads folder (the server's names carry ids).
    const name = `${slug(ctx.title()[docLang])}-${docLang}-${slug(label)}${ext}`;
    status.classList.remove("error");
    status.textContent = t("preparing", { name });
    button.disabled = true;
    try {
      saveFile(await api.exportFile(ctx.draftId, version, docLang, format), name);
      status.textContent = t("downloaded", { name });
    } catch (err) {
      status.classList.add("error");
      status.textContent = errorText(err);
    } finally {
      button.disabled = false;
    }
  }

  for (const f of FORMATS) {
    const b: HTMLButtonElement = h("button", { type: "button", class: `x-format fmt-${f.format}`, "data-testid": `export-${f.format}`, onclick: () => void download(f.format, f.ext, b) }, t(f.key));
    buttons.append(b);
  }
  fillWhich(versions ?? []);
  paintLangs();
  document.body.append(dialog);
  dialog.showModal();
  if (!versions) {
    api.versions(ctx.draftId).then(
      (list) => {
        const keep = which.value;
        selected = keep;
        fillWhich(list);
      },
      (err) => {
        status.classList.add("error");
        status.textContent = errorText(err);
      },
    );
  }
}
