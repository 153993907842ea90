// Pluma's browser app: sign in, meetings and drafts, the draft view. Hash routes:
// `#/` meetings, `#/meeting/<id>` a meeting's page and agenda, `#/draft/<id>` a draft.
import "./style.css";
import { ApiError, type User, api } from "./api";
import { openMeeting } from "./agenda";
import { colourOf, registerCountries } from "./countries";
import { clear, h } from "./dom";
import { openDraft } from "./draftView";
import { type Lang, lang, onLangChange, setLang, t } from "./i18n";

const root = document.getElementById("app")!;
let me: User | null = null;
let cleanup: (() => void) | null = null;

export function langSwitch(): HTMLElement {
  const button = (l: Lang, label: string) =>
    h("button", { type: "button", class: l === lang() ? "on" : "", "aria-pressed": String(l === lang()), "data-lang": l, onclick: () => setLang(l) }, label);
  return h("div", { class: "lang-switch", role: "group", "aria-label": t("language") }, button("en", "EN"), button("es", "ES"));
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t("networkDown");
    if (e.status === 403) return t("forbidden", { reason: e.message });
    return t("requestFailed", { reason: e.message });
  }
  return t("requestFailed", { reason: String(e) });
}

export function header(extra: HTMLElement[] = []): HTMLElement {
  return h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: "#/" }, "Pluma"),
    ...extra,
    h("div", { class: "spacer" }),
    me ? h("span", { class: "who", "data-testid": "who" }, t("signedInAs", { name: me.display_name, role: t(`role_${me.role}`) })) : null,
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

function loginView(): void {
  const msg = h("p", { class: "error", role: "alert" });
  const loginInput = h("input", { name: "login", autocomplete: "username", required: true });
  const pw = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h(
    "form",
    { class: "login card", onsubmit: async (e: Event) => {
      e.preventDefault();
      msg.textContent = t("signingIn");
      try {
        me = (await api.signIn(loginInput.value.trim(), pw.value)).user;
        void route();
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

async function meetingsView(): Promise<void> {
  const main = h("main", { class: "page" }, h("p", {}, t("loading")));
  root.append(header(), main);
  try {
    const [meetings, drafts] = await Promise.all([api.meetings(), api.drafts()]);
    clear(main);
    main.append(h("h1", {}, t("meetings")));
    const l = lang();
    for (const m of meetings) {
      registerCountries(m.delegations);
      const mine = drafts.filter((d) => d.meeting_id === m.id);
      main.append(
        h(
          "section",
          { class: "card meeting" },
          h("h2", {}, l === "es" ? m.name_es : m.name_en),
          h("p", {}, h("a", { href: `#/meeting/${m.id}`, "data-testid": "meeting-link" }, t("openMeeting"))),
          h("h3", {}, t("drafts")),
          mine.length === 0
            ? h("p", { class: "muted" }, t("noDrafts"))
            : h("ul", { class: "drafts" }, ...mine.map((d) =>
                h("li", {}, h("a", { href: `#/draft/${d.id}`, "data-testid": "draft-link" }, l === "es" ? d.title_es : d.title_en), " ", h("span", { class: "muted" }, t(d.kind))),
              )),
          h("h3", {}, t("delegations")),
          h("ul", { class: "delegations" }, ...m.delegations.map((d) =>
            h("li", { title: l === "es" ? d.name_es : d.name_en }, h("span", { class: "chip", style: `--c:${colourOf(d.code)}` }, d.code), " ", l === "es" ? d.name_es : d.name_en, d.is_ppt ? " (PPT)" : ""),
          )),
        ),
      );
    }
    const loose = drafts.filter((d) => !meetings.some((m) => m.id === d.meeting_id));
    if (loose.length > 0) {
      main.append(h("section", { class: "card" }, h("h2", {}, t("drafts")), h("ul", { class: "drafts" }, ...loose.map((d) =>
        h("li", {}, h("a", { href: `#/draft/${d.id}`, "data-testid": "draft-link" }, l === "es" ? d.title_es : d.title_en)),
      ))));
    }
  } catch (e) {
    clear(main);
    main.append(h("p", { class: "error", role: "alert" }, errorText(e)));
  }
}

async function route(): Promise<void> {
  cleanup?.();
  cleanup = null;
  clear(root);
  document.documentElement.lang = lang();
  if (!me) {
    try {
      me = await api.me();
    } catch {
      me = null;
    }
  }
  if (!me) {
    loginView();
    return;
  }
  const meeting = /^#\/meeting\/([A-Za-z0-9_-]+)/.exec(location.hash);
  const m = /^#\/draft\/([A-Za-z0-9_-]+)/.exec(location.hash);
  if (meeting) {
    await openMeeting(root, meeting[1], me);
  } else if (m) {
    const shell = h("div", { class: "draft-shell" });
    root.append(shell);
    cleanup = await openDraft(shell, m[1], me);
  } else {
    await meetingsView();
  }
}

window.addEventListener("hashchange", () => void route());
onLangChange(() => void route());
void route();
