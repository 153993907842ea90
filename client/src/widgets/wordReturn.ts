// "Bring back a Word file" (POST /api/drafts/{id}/returns): a Word file exported from Pluma
// and marked up by a capital (tracked changes, plain edits, comments) becomes its
// delegation's proposals and comment threads on the text as it stands now. A delegation
// brings back its own files; the secretariat chooses whose file it is. The dialog shows
// what was made, paragraph by paragraph, and what was not and why.
import { api } from "../api/api";
import type { ReturnOut } from "../api/types";
import type { Meeting, User } from "../logic/model";
import { countryName } from "../state/countries";
import { lang, t } from "../state/lang";
import { clear, h } from "./dom";
import { errorText } from "./errors";

export interface WordReturnContext {
  draftId: string;
  me: User;
  meetings: Meeting[];
}

/** The toolbar's button, or null for those who bring back no file (observers, admins). */
export function wordReturnButton(ctx: WordReturnContext): HTMLElement | null {
  const { role, country } = ctx.me;
  const may = role === "secretariat" || ((role === "delegate" || role === "chair") && country);
  if (!may) return null;
  return h("button", { type: "button", class: "return-open", "data-testid": "return-open", onclick: () => openReturn(ctx) }, t("wr_open"));
}

/** The member delegations the secretariat may bring a file back for, by name. */
function delegations(meetings: Meeting[]): Array<{ code: string; name: string }> {
  const seen = new Map<string, string>();
  for (const m of meetings) for (const d of m.delegations) if (d.conference !== "observer") seen.set(d.code, countryName(d.code, lang()));
  return [...seen].map(([code, name]) => ({ code, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The file's content as standard base64. */
function base64Of(file: File): Promise<string> {
  return new Promise((ok, fail) => {
    const reader = new FileReader();
    reader.onload = () => ok(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => fail(reader.error);
    reader.readAsDataURL(file);
  });
}

/** What a return did, in words: the summary, each paragraph, what was not made. */
function reportOf(out: ReturnOut): HTMLElement {
  const r = out.report;
  const country = countryName(out.brought_back_by.on_behalf_of, lang());
  const summary = out.already_returned ? t("wr_again", { country }) : t("wr_done", { proposals: r.proposals.length, comments: r.comments.length, country });
  const lines = r.paragraphs.map((p) => h("li", {}, t("wr_paragraph", { label: p.label, proposals: p.proposals, comments: p.comments, notPlaced: p.not_placed })));
  const notPlaced = r.not_placed.map((n) => h("li", { "data-testid": "return-not-placed" }, h("strong", {}, `${n.label ?? "—"}: ${n.what}`), ` — ${n.reason}`));
  return h(
    "div",
    { class: "return-report", "data-testid": "return-report", "data-proposals": r.proposals.length, "data-comments": r.comments.length },
    h("p", { "data-testid": "return-summary" }, summary),
    lines.length ? h("ul", {}, lines) : null,
    notPlaced.length ? h("details", { open: true }, h("summary", {}, t("wr_notPlaced", { n: notPlaced.length })), h("ul", {}, notPlaced)) : null,
    r.already_brought_back.length ? h("p", { class: "muted small" }, t("wr_already", { n: r.already_brought_back.length })) : null,
  );
}

function openReturn(ctx: WordReturnContext): void {
  const secretariat = ctx.me.role === "secretariat";
  const whose = h("select", { "data-testid": "return-as", "aria-label": t("wr_whose") }, h("option", { value: "" }, "—"), delegations(ctx.meetings).map((d) => h("option", { value: d.code }, d.name)));
  const file = h("input", { type: "file", accept: ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document", "data-testid": "return-file" });
  const status = h("p", { class: "x-status", role: "status", "aria-live": "polite", "data-testid": "return-status" });
  const result = h("div", {});
  const send: HTMLButtonElement = h("button", { type: "button", class: "primary", "data-testid": "return-send", onclick: () => void bring() }, t("wr_send"));
  const dialog = h(
    "dialog",
    { class: "export-dialog return-dialog", "data-testid": "return-dialog", "aria-labelledby": "return-title" },
    h("div", { class: "x-head" }, h("h2", { id: "return-title" }, t("wr_title")), h("button", { type: "button", class: "close", "aria-label": t("close"), onclick: () => dialog.close() }, "×")),
    h("p", { class: "muted small" }, t("wr_help")),
    secretariat ? h("label", { class: "x-field" }, t("wr_whose"), whose) : h("p", {}, t("wr_own", { country: countryName(ctx.me.country ?? "", lang()) })),
    h("label", { class: "x-field" }, t("wr_file"), file),
    h("div", { class: "x-formats" }, send),
    status,
    result,
  );
  dialog.addEventListener("close", () => dialog.remove());

  async function bring(): Promise<void> {
    const chosen = file.files?.[0];
    status.classList.remove("error");
    clear(result);
    const missing = !chosen ? t("wr_pickFile") : secretariat && !whose.value ? t("wr_pickCountry") : null;
    if (missing || !chosen) {
      status.textContent = missing ?? "";
      return;
    }
    status.textContent = t("wr_sending", { name: chosen.name });
    send.disabled = true;
    try {
      const out = await api.bringBack(ctx.draftId, await base64Of(chosen), secretariat ? whose.value : null);
      status.textContent = "";
      result.append(reportOf(out));
    } catch (err) {
      status.classList.add("error");
      status.textContent = errorText(err);
    } finally {
      send.disabled = false;
    }
  }

  document.body.append(dialog);
  dialog.showModal();
}
