// The meeting page (`#/meeting/<id>`): the two conferences with their Pro-Tempore
// Presidencies, and the agenda with every time shown in the viewer's own capital's time
// zone (the signed-in person's delegation), the zone named. The agenda's times are instants
// (unix ms) parsed on the server from the circulated text (core/src/agenda.rs).
import { api } from "../api/api";
import { type AgendaItem, type DraftInfo, type Lang, type MeetingDetail, type User, inLang } from "../logic/model";
import { dayLabel, placeOf, textIn, timeRange, viewerZone, zoneOffset } from "../logic/zones";
import { colourOf, countryName, registerCountries } from "../state/countries";
import { lang, t } from "../state/lang";
import { clear, h } from "../widgets/dom";
import { errorText } from "../widgets/errors";
import { header } from "../widgets/header";

const chip = (code: string, l: Lang) => h("span", { class: "chip", style: `--c:${colourOf(code)}`, title: countryName(code, l) }, code);

function itemView(item: AgendaItem, zone: string, l: Lang): HTMLElement {
  const title = textIn(item.title, l);
  const heading = item.kind === "session" && item.number !== null ? `${t("sessionN", { n: item.number })}. ${title}` : title;
  return h("li", { class: `agenda-item kind-${item.kind}`, "data-testid": "agenda-item", "data-kind": item.kind },
    h("time", { class: "agenda-time", datetime: new Date(item.start).toISOString(), "data-testid": "agenda-time" }, timeRange(item.start, item.end, zone, l)),
    h("div", { class: "agenda-body" },
      h(item.kind === "session" ? "h3" : "div", { class: "agenda-title" }, heading),
      item.topics.length > 0 ? h("ul", { class: "topics" }, ...item.topics.map((x) => h("li", {}, textIn(x, l)))) : null,
      item.leads.length > 0
        ? h("div", { class: "leads", "data-testid": "agenda-leads" }, h("span", { class: "muted" }, `${t("leadCountries")}: `),
            ...item.leads.flatMap((c) => [chip(c, l), ` ${countryName(c, l)} `]))
        : null,
      item.led_by ? h("div", { class: "muted" }, `${t("ledBy")}: ${inLang(item.led_by, item.led_by_es, l)}`) : null,
      item.speakers.length > 0
        ? h("details", { class: "speakers" }, h("summary", {}, `${t("speakers")} (${item.speakers.length})`), h("ul", {}, ...item.speakers.map((s) => h("li", {}, s))))
        : null));
}

/** Draws the meeting page into `root`. */
export async function openMeeting(root: HTMLElement, id: string, me: User): Promise<void> {
  const l = lang();
  const main = h("main", { class: "page meeting-page" }, h("p", {}, t("loading")));
  root.append(header([h("a", { href: "#/", class: "link" }, t("back"))]), main);
  let m: MeetingDetail;
  let drafts: DraftInfo[];
  try {
    [m, drafts] = await Promise.all([api.meeting(id), api.drafts()]);
  } catch (e) {
    clear(main);
    main.append(h("p", { class: "error", role: "alert" }, errorText(e)));
    return;
  }
  registerCountries(m.delegations);
  clear(main);
  main.append(h("h1", {}, l === "es" ? m.name_es : m.name_en));
  if (m.agenda) main.append(h("p", { class: "motto" }, `“${textIn(m.agenda.motto, l)}”`));
  // The meeting's drafts, first: what its delegations came to negotiate.
  const mine = drafts.filter((d) => d.meeting_id === m.id);
  main.append(h("section", { class: "card", "data-testid": "meeting-drafts" }, h("h2", {}, t("drafts")),
    mine.length === 0 ? h("p", { class: "muted" }, t("noDrafts"))
      : h("ul", { class: "drafts" }, ...mine.map((d) =>
        h("li", {}, h("a", { href: `#/draft/${d.id}`, "data-testid": "draft-link" }, l === "es" ? d.title_es : d.title_en), " ", h("span", { class: "muted" }, t(d.kind)))))));
  main.append(h("section", { class: "conferences" }, ...m.conferences.map((c) =>
    h("div", { class: "card conference", "data-testid": `conference-${c.code}` },
      h("h2", {}, `${l === "es" ? c.short_es : c.short_en} · ${l === "es" ? c.name_es : c.name_en}`),
      c.ppt ? h("p", { "data-testid": "ppt" }, chip(c.ppt, l), " ", t("ppt", { country: countryName(c.ppt, l) })) : null,
      h("p", { class: "muted" }, t("members", { n: c.members.length })),
      h("div", { class: "members" }, ...c.members.map((code) => chip(code, l)))))));

  const section = h("section", { class: "card agenda", "data-testid": "agenda" }, h("h2", {}, t("agenda")));
  main.append(section);
  if (!m.agenda) {
    section.append(h("p", { class: "muted" }, t("noAgenda")));
    return;
  }
  const { zone, country } = viewerZone(me, m.delegations);
  const first = m.agenda.days[0]?.items[0]?.start ?? Date.now();
  // "Buenos Aires time (GMT-3) · Argentina".
  const city = placeOf(country, zone, l);
  const place = country ? countryName(country, l) : t("yourBrowser");
  section.append(h("p", { class: "zone", "data-testid": "agenda-zone" },
    t("timesIn", { city, offset: zoneOffset(first, zone), place })));
  m.agenda.days.forEach((day, i) => {
    const start = day.items[0]?.start;
    section.append(
      h("h3", { class: "agenda-day" }, `${t("dayN", { n: i + 1 })} · ${start === undefined ? day.date : dayLabel(start, zone, l)}`),
      h("ol", { class: "agenda-items" }, ...day.items.map((item) => itemView(item, zone, l))),
    );
  });
}
