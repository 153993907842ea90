// The app's own modal dialogs (never the browser's prompt or confirm, which cannot be read
// in the interface's language, styled, or tested): a title, a body, and a row of buttons.
// Escape and Cancel close without acting; the first field or button takes the focus.
import { t } from "../state/lang";
import { type Child, h } from "./dom";

export interface DialogOptions {
  title: string;
  body: Child[];
  /** The acting button's label. */
  confirm: string;
  /** The acting button warns (a deletion, going ahead against a rule). */
  danger?: boolean;
  testid?: string;
  /** Acts; resolves false to keep the dialog open (a missing reason, say). */
  onConfirm: () => boolean | Promise<boolean>;
}

/** Opens a dialog; returns it (it removes itself once closed). */
export function openDialog(o: DialogOptions): HTMLDialogElement {
  const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
  const act: HTMLButtonElement = h("button", { type: "button", class: o.danger ? "primary danger" : "primary", "data-testid": "dialog-confirm", onclick: () => void run() }, o.confirm);
  const dialog = h("dialog", { class: "app-dialog", "aria-labelledby": titleId, "data-testid": o.testid ?? "dialog" },
    h("h2", { id: titleId }, o.title),
    h("div", { class: "dlg-body" }, ...o.body),
    h("div", { class: "dlg-actions" }, h("button", { type: "button", "data-testid": "dialog-cancel", onclick: () => dialog.close() }, t("cancel")), act));
  async function run(): Promise<void> {
    act.disabled = true;
    try {
      if (await o.onConfirm()) dialog.close();
    } finally {
      act.disabled = false;
    }
  }
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  dialog.querySelector<HTMLElement>("select, textarea, input")?.focus();
  return dialog;
}

/** Asks a yes-or-no question in the app's own dialog. */
export function confirmDialog(title: string, text: string, confirm: string, danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    let answered = false;
    const dialog = openDialog({ title, body: [h("p", {}, text)], confirm, danger, testid: "confirm-dialog", onConfirm: () => (answered = true) });
    dialog.addEventListener("close", () => resolve(answered));
  });
}
