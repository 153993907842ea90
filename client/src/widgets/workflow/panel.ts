// The workflow panel of a draft: the adoption banner with the certified fingerprint, the
// silence banner (deadline in the viewer's own capital's time zone) with the objection
// form, the approval bar of both Pro-Tempore Presidencies, and the dashboard: statuses
// (chairs set them, with a reason when reopening an agreed paragraph), pending proposals
// per country, and translation concordance per paragraph (the secretariat confirms it).
// Everything comes from GET /api/drafts/{id}/dashboard; actions call the workflow API and
// repaint.
import "./workflow.css";
import { api } from "../../api/api";
import type { Approval, Dashboard, DashboardLine as Line } from "../../api/types";
import type { Meeting, Status, User } from "../../logic/model";
import { inZone, placeOf, viewerTimeZone, wallTimeIn, wallTimeOf, zoneOffset } from "../../logic/zones";
import { colourOf, countryName } from "../../state/countries";
import { lang, t } from "../../state/lang";
import { clear, h } from "../dom";
import { errorText } from "../errors";

const number = (line: Line) => (line.number === null ? "§" : `${line.number}.`);

/** Mounts the panel in `el`; returns a function that stops its refreshing. */
export function mountWorkflowPanel(el: HTMLElement, opts: {
  draftId: string;
  me: User;
  meetings: Meeting[];
  notify: (text: string, bad?: boolean) => void;
  /** Told the workflow's lock (why the text takes no change: adopted, under silence) or
   * null, after every read of the dashboard. */
  onLock?: (locked: string | null) => void;
  /** The paragraph's label as the text shows it ("OP 3"), when the page knows it. */
  paragraphLabel?: (pid: string) => string;
  /** The paragraph's first words in the reader's language, when the page has the text. */
  firstWords?: (pid: string) => string;
}): () => void {
  const { draftId, me, meetings, notify } = opts;
  const label = (line: Line) => opts.paragraphLabel?.(line.paragraph) || number(line);
  const words = (line: Line) => opts.firstWords?.(line.paragraph) || line.first_words;
  const zone = viewerTimeZone(me, meetings);
  const chair = me.role === "chair";
  const decides = chair || me.role === "secretariat";
  const delegation = (me.role === "delegate" || me.role === "chair") && me.country !== null;
  let last = "";
  let lockKnown = false;
  let open = localStorage.getItem("pluma.workflowOpen") === "1";
  let objectionDraft = "";
  let silenceDraft = "";

  /** Runs a workflow action and repaints; null when it failed (the notice says why). */
  async function act(run: () => Promise<unknown>): Promise<unknown> {
    try {
      const r = await run();
      await refresh(true);
      return r;
    } catch (e) {
      notify(errorText(e), true);
      return null;
    }
  }

  async function refresh(force = false): Promise<void> {
    let d: Dashboard;
    try {
      d = await api.dashboard(draftId);
    } catch {
      // Unreadable (offline, say): the text stays editable, and the server still refuses
      // what a lock forbids.
      if (!lockKnown) opts.onLock?.(null);
      lockKnown = true;
      return;
    }
    lockKnown = true;
    opts.onLock?.(d.workflow.locked);
    const sig = JSON.stringify(d);
    if (!force && sig === last) return;
    last = sig;
    paint(d);
  }

  function paint(d: Dashboard): void {
    const l = lang();
    const wf = d.workflow;
    clear(el);
    el.className = "workflow";
    if (wf.adopted) {
      el.append(h("div", { class: "wf-banner adopted", role: "status", "data-testid": "adopted-banner" },
        h("strong", {}, t("wf_adoptedOn", { date: inZone(wf.adopted.adopted_at, zone, l) })),
        " ", h("span", {}, t(wf.adopted.how === "silence" ? "wf_adoptedBySilence" : "wf_adoptedByApprovals")),
        h("div", { class: "wf-fp" }, `${t("wf_fingerprint")}: `, h("code", { "data-testid": "fingerprint" }, wf.adopted.fingerprint))));
    }
    const s = wf.silence;
    if (s && s.state === "running") {
      const banner = h("div", { class: "wf-banner silence", role: "status", "data-testid": "silence-banner" },
        h("strong", {}, t("wf_silenceUntil", { time: inZone(s.deadline, zone, l) })),
        h("span", { class: "muted small", title: zone, "data-zone": zone }, ` (${t("wf_silenceYourTime", { city: placeOf(me.country, zone, l) })})`));
      if (delegation) {
        // Repaints rebuild the panel: the objection being written survives them.
        const box = h("textarea", { rows: 2, "aria-label": t("wf_objection"), placeholder: t("wf_objection"), "data-testid": "objection-text", value: objectionDraft, oninput: (e: Event) => { objectionDraft = (e.target as HTMLTextAreaElement).value; } });
        banner.append(h("div", { class: "wf-objection" }, box,
          h("button", { type: "button", class: "reject", "data-testid": "object", onclick: () => {
            const text = box.value.trim();
            if (text) void act(() => api.object(draftId, text)).then((r) => { if (r) objectionDraft = ""; });
          } }, t("wf_object"))));
      }
      el.append(banner);
    } else if (s && s.state === "broken" && !wf.adopted) {
      const o = s.objections[s.objections.length - 1];
      if (o) el.append(h("div", { class: "wf-banner broken", role: "status", "data-testid": "silence-broken" }, t("wf_silenceBroken", { country: countryName(o.country, l), text: o.body })));
    } else if (s && s.state === "lapsed" && !wf.adopted) {
      el.append(h("div", { class: "wf-banner broken", role: "status" }, t("wf_silenceLapsed", { reason: s.outcome ?? "" })));
    }

    const details = h("details", { class: "wf-details", "data-testid": "dashboard", ...(open ? { open: true } : {}) });
    details.addEventListener("toggle", () => {
      open = details.open;
      localStorage.setItem("pluma.workflowOpen", open ? "1" : "0");
    });
    details.append(h("summary", {}, t("wf_workflow"), " · ",
      ...(["open", "bracketed", "agreed_ad_ref", "agreed"] as Status[]).map((st) =>
        h("span", { class: `status st-${st}`, "data-testid": `count-${st}` }, `${t(`status_${st}`)} ${d.status_counts[st] ?? 0}`))));

    // Approval bar.
    const bar = h("div", { class: "wf-approvals", "data-testid": "approval-bar" }, h("strong", {}, `${t("wf_approvals")}: `));
    for (const c of wf.ppt) {
      const ok = wf.approved_by.includes(c);
      bar.append(h("span", { class: `wf-ppt ${ok ? "ok" : "wait"}`, style: `--c:${colourOf(c)}`, "data-country": c },
        `${c} — ${countryName(c, l)}: ${ok ? `✓ ${t("wf_approved")}` : t("wf_awaiting")}`));
    }
    const lastByCountry = new Map<string, Approval>();
    for (const a of wf.approvals) lastByCountry.set(a.country, a);
    for (const a of lastByCountry.values()) {
      if (!a.live && a.void_reason) bar.append(h("div", { class: "wf-voided muted small", "data-testid": "approval-voided" }, t("wf_voided", { country: a.country, reason: a.void_reason })));
    }
    if (chair && me.country && wf.ppt.includes(me.country) && !wf.adopted && !wf.approved_by.includes(me.country)) {
      bar.append(h("button", { type: "button", class: "primary", "data-testid": "approve", onclick: () => void approve(d) }, t("wf_approve")));
    }
    if (chair && !wf.adopted && !(s && s.state === "running")) bar.append(silenceForm());
    // After adoption by silence the PPTs' approvals no longer matter: the banner says how.
    if (!(wf.adopted && wf.adopted.how === "silence")) el.append(bar);

    // Paragraphs: status (chairs change it) and concordance (the secretariat confirms it).
    const table = h("table", { class: "wf-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, t("wf_statuses")), h("th", {}, ""), h("th", {}, t("wf_concordance")))));
    const tbody = h("tbody", {});
    for (const p of d.paragraphs) {
      const statusCell = chair && !wf.locked
        ? h("select", { "data-testid": "status-select", "aria-label": `${label(p)} ${t("wf_statuses")}`, onchange: (e: Event) => void setStatus(p, (e.target as HTMLSelectElement).value as Status, e.target as HTMLSelectElement) },
          ...(["open", "bracketed", "agreed_ad_ref", "agreed"] as Status[]).map((st) => h("option", { value: st, selected: st === p.status }, t(`status_${st}`))))
        : h("span", { class: `status st-${p.status}` }, t(`status_${p.status}`));
      const conc = h("span", { class: `wf-conc ${p.concordance}`, "data-testid": "concordance" }, t(`wf_${p.concordance}`));
      tbody.append(h("tr", { "data-paragraph": p.paragraph },
        h("td", { class: "num" }, label(p)), h("td", {}, statusCell), h("td", { class: "wf-words" }, words(p)),
        h("td", {}, conc, decides && p.concordance !== "confirmed" && !wf.locked && (chair || p.status !== "agreed")
          ? h("button", { type: "button", class: "small", "data-testid": "confirm-concordance", onclick: () => void act(() => api.confirmConcordance(draftId, p.paragraph)) }, t("wf_confirm"))
          : null)));
    }
    table.append(tbody);
    details.append(table);

    const counts = Object.entries(d.proposals_by_country);
    details.append(h("div", { class: "wf-proposals" }, h("h3", {}, t("wf_proposalsBy")),
      counts.length === 0 ? h("span", { class: "muted" }, t("wf_none"))
        : counts.map(([c, n]) => h("span", { class: "chip", style: `--c:${colourOf(c)}`, title: countryName(c, l) }, `${c} ${n}`))));
    el.append(details);
  }

  /**
   * The chair picks the deadline as a wall-clock time in their own capital (the input's
   * value is read in that zone, not the browser's), and sees it back as it will be shown.
   */
  function silenceForm(): HTMLElement {
    const l = lang();
    const city = placeOf(me.country, zone, l);
    const preview = h("div", { class: "muted small wf-preview", "data-testid": "silence-preview", "aria-live": "polite" });
    const input = h("input", {
      type: "datetime-local",
      "aria-label": `${t("wf_startSilence")} (${t("wf_timeOf", { city })})`,
      "data-testid": "silence-deadline",
      min: wallTimeOf(Date.now(), zone),
      value: silenceDraft,
      oninput: () => {
        silenceDraft = input.value;
        showPreview();
      },
    }) as HTMLInputElement;
    function showPreview(): void {
      const ms = wallTimeIn(input.value, zone);
      preview.textContent = Number.isNaN(ms) ? t("wf_deadlineHelp") : ms <= Date.now() ? t("wf_deadlinePast") : t("wf_deadlinePreview", { time: inZone(ms, zone, l) });
    }
    showPreview();
    return h("div", { class: "wf-start" },
      h("label", {}, `${t("wf_startSilence")} `, input, h("span", { class: "muted small", title: zone }, ` ${t("wf_timeOf", { city })}, ${zoneOffset(Date.now(), zone)}`)),
      h("button", { type: "button", "data-testid": "start-silence", onclick: () => {
        const ms = wallTimeIn(input.value, zone);
        if (Number.isNaN(ms)) {
          notify(t("wf_deadlineHelp"), true);
          return;
        }
        void startSilence(ms);
      } }, t("wf_start")),
      preview);
  }

  /** Puts the text under silence, checked against the dashboard as it is now (the one
   * painted may be up to a poll old): not with proposals pending; out of concordance only
   * with the chair's reason. */
  async function startSilence(deadline: number): Promise<void> {
    let now: Dashboard;
    try {
      now = await api.dashboard(draftId);
    } catch (e) {
      notify(errorText(e), true);
      return;
    }
    if (stillPending(now)) return;
    const body: { deadline: number; concordance_override?: string } = { deadline };
    if (now.out_of_concordance > 0) {
      const given = prompt(t("wf_overridePrompt", { n: now.out_of_concordance }));
      if (!given || !given.trim()) return;
      body.concordance_override = given.trim();
    }
    if (await act(() => api.startSilence(draftId, body))) silenceDraft = "";
  }

  async function setStatus(p: Line, status: Status, select: HTMLSelectElement): Promise<void> {
    let reason: string | undefined;
    if (p.status === "agreed" && status !== "agreed") {
      const given = prompt(t("wf_reasonPrompt"));
      if (!given || !given.trim()) {
        select.value = p.status;
        return;
      }
      reason = given.trim();
    }
    await act(() => api.setStatus(draftId, p.paragraph, reason ? { status, reason } : { status }));
  }

  /** A text with pending proposals is neither approved nor put under silence (the server
   * refuses it too): says so, and which delegations' proposals remain. */
  function stillPending(d: Dashboard): boolean {
    const counts = Object.entries(d.proposals_by_country).filter(([, n]) => n > 0);
    const n = counts.reduce((sum, [, k]) => sum + k, 0);
    if (n === 0) return false;
    notify(t("wf_pendingFirst", { n, list: counts.map(([c, k]) => `${countryName(c, lang())} ${k}`).join(", ") }), true);
    return true;
  }

  async function approve(d: Dashboard): Promise<void> {
    if (stillPending(d)) return;
    const body: { heads: string[]; concordance_override?: string } = { heads: d.workflow.heads };
    if (d.out_of_concordance > 0) {
      const given = prompt(t("wf_overridePrompt", { n: d.out_of_concordance }));
      if (given && given.trim()) body.concordance_override = given.trim();
    }
    await act(() => api.approve(draftId, body));
  }

  void refresh(true);
  const timer = setInterval(() => void refresh(), 3000);
  return () => clearInterval(timer);
}
