// Signing in.
import { ApiError, api } from "../api/api";
import { t } from "../state/lang";
import { setSignedIn } from "../state/session";
import { h } from "../widgets/dom";
import { errorText } from "../widgets/errors";
import { header } from "../widgets/header";

/** Draws the sign-in form into `root`; `onSignedIn` runs once the server accepted it. */
export function loginView(root: HTMLElement, onSignedIn: () => void): void {
  const msg = h("p", { class: "error", role: "alert" });
  const loginInput = h("input", { name: "login", autocomplete: "username", required: true });
  const pw = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h(
    "form",
    { class: "login card", onsubmit: async (e: Event) => {
      e.preventDefault();
      msg.textContent = t("signingIn");
      try {
        setSignedIn((await api.signIn(loginInput.value.trim(), pw.value)).user);
        onSignedIn();
      } catch (err) {
        msg.textContent = err instanceof ApiError && err.status === 401 ? t("badLogin") : errorText(err);
      }
    } },
    h("h1", {}, "Pluma"),
    h("p", { class: "muted" }, t("tagline")),
    h("label", {}, t("login"), loginInput),
    h("label", {}, t("password"), pw),
    h("button", { type: "submit", class: "primary" }, t("signIn")),
    msg,
  );
  root.append(header(), h("main", { class: "center" }, form));
  loginInput.focus();
}
