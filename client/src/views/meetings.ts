// The home page (`#/`): every meeting with its drafts and delegations, and drafts of no meeting.
import { api } from "../api/api";
import { colourOf, registerCountries } from "../state/countries";
import { lang, t } from "../state/lang";
import { clear, h } from "../widgets/dom";
import { errorText } from "../widgets/errors";
import { header } from "../widgets/header";

export async function meetingsView(root: HTMLElement): Promise<void> {
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
