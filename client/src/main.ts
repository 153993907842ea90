// Pluma's browser app: the router. Hash routes: `#/` meetings, `#/meeting/<id>` a
// meeting's page and agenda, `#/draft/<id>` a draft. Modules import downwards only:
// this router → views/ → widgets/ → state/ and api/ → logic/ (scripts/check-structure.mjs).
import "./style.css";
import { api } from "./api/api";
import { lang, onLangChange } from "./state/lang";
import { setSignedIn, signedIn } from "./state/session";
import { openDraft } from "./views/draft/open";
import { loginView } from "./views/login";
import { openMeeting } from "./views/meeting";
import { meetingsView } from "./views/meetings";
import { clear, h } from "./widgets/dom";

const root = document.getElementById("app")!;
let cleanup: (() => void) | null = null;

async function route(): Promise<void> {
  cleanup?.();
  cleanup = null;
  clear(root);
  document.documentElement.lang = lang();
  if (!signedIn()) {
    try {
      setSignedIn(await api.me());
    } catch {
      setSignedIn(null);
    }
  }
  const me = signedIn();
  if (!me) {
    loginView(root, () => void route());
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
    await meetingsView(root);
  }
}

// The service worker keeps the app's shell, so that it starts without a network (sw/sw.js);
// only in a build (the development server serves modules it cannot list).
if ("serviceWorker" in navigator && import.meta.env.PROD) {
  navigator.serviceWorker.register("/sw.js").catch(() => {
    // Not offered here (a plain-HTTP address other than localhost): the app works online.
  });
}

window.addEventListener("hashchange", () => void route());
onLangChange(() => void route());
void route();
