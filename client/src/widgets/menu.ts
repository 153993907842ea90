// A small menu behind a button, usable from the keyboard as the WAI-ARIA menu button
// pattern has it: Enter, Space or ArrowDown opens it on its first item, the arrows, Home
// and End move, Enter runs an item, Escape closes it and gives the focus back, Tab or a
// click elsewhere closes it. Its items are read when it opens.
import { h } from "./dom";

export interface MenuItem {
  label: string;
  testid: string;
  run: () => void;
}

/** The button (with `text` on it and `label` as its accessible name) and its menu. */
export function menuButton(text: string, label: string, items: () => MenuItem[], testid = "menu"): HTMLElement {
  const wrap = h("span", { class: "menu-wrap" });
  const button: HTMLButtonElement = h("button", { type: "button", class: "menu-button", "aria-haspopup": "menu", "aria-expanded": "false", "aria-label": label, title: label, "data-testid": testid }, text);
  let menu: HTMLElement | null = null;

  function close(refocus: boolean): void {
    if (!menu) return;
    menu.remove();
    menu = null;
    button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", outside, true);
    if (refocus) button.focus();
  }
  function outside(e: Event): void {
    if (!wrap.contains(e.target as Node)) close(false);
  }
  function open(at: "first" | "last"): void {
    const list = items();
    if (list.length === 0) return;
    close(false);
    const entries = list.map((item) =>
      h("li", { role: "menuitem", tabindex: -1, "data-testid": item.testid, onclick: () => { close(true); item.run(); } }, item.label));
    menu = h("ul", { class: "menu", role: "menu", "aria-label": label }, ...entries);
    menu.addEventListener("keydown", (e: KeyboardEvent) => {
      const i = entries.indexOf(document.activeElement as HTMLLIElement);
      const go = (j: number) => entries[(j + entries.length) % entries.length].focus();
      if (e.key === "ArrowDown") go(i + 1);
      else if (e.key === "ArrowUp") go(i - 1);
      else if (e.key === "Home") go(0);
      else if (e.key === "End") go(entries.length - 1);
      else if (e.key === "Escape") close(true);
      else if (e.key === "Tab") close(false);
      else if (e.key === "Enter" || e.key === " ") entries[i]?.click();
      else return;
      if (e.key !== "Tab") e.preventDefault();
      e.stopPropagation();
    });
    wrap.append(menu);
    button.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", outside, true);
    (at === "first" ? entries[0] : entries[entries.length - 1]).focus();
  }

  button.addEventListener("click", () => (menu ? close(true) : open("first")));
  button.addEventListener("keydown", (e: KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      open(e.key === "ArrowDown" ? "first" : "last");
    }
  });
  wrap.append(button);
  return wrap;
}
