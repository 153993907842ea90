// The page header of every view: the brand, the view's own links, who is signed in, the
// interface language switch and signing out.
import { api } from "../api/api";
import { type Lang, displayName } from "../logic/model";
import { lang, setLang, t } from "../state/lang";
import { signedIn } from "../state/session";
import { h } from "./dom";

export function langSwitch(): HTMLElement {
  const button = (l: Lang, label: string) =>
    h("button", { type: "button", class: l === lang() ? "on" : "", "aria-pressed": String(l === lang()), "data-lang": l, onclick: () => setLang(l) }, label);
  return h("div", { class: "lang-switch", role: "group", "aria-label": t("language") }, button("en", "EN"), button("es", "ES"));
}

export function header(extra: HTMLElement[] = []): HTMLElement {
  const me = signedIn();
  return h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: "#/" }, "Pluma"),
    ...extra,
    h("div", { class: "spacer" }),
    me ? h("span", { class: "who", "data-testid": "who" }, t("signedInAs", { name: displayName(me, lang()), role: t(`role_${me.role}`) })) : null,
    langSwitch(),
    me
      ? h("button", { type: "button", class: "link", onclick: async () => {
          try {
            await api.signOut();
          } finally {
            // A fresh page: no repo, socket or editors of the person who left.
            location.hash = "#/";
            location.reload();
          }
        } }, t("signOut"))
      : null,
  );
}
