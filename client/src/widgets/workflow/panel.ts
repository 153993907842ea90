// The workflow panel of a draft: the adoption banner with the certified fingerprint, the
// silence banner (deadline in the viewer's own capital's time zone) with the objection
// form, the approval bar of both Pro-Tempore Presidencies, and the dashboard: statuses
// (chairs set them, with a reason when reopening an agreed paragraph), pending proposals
// per country, and translation concordance per paragraph (the secretariat confirms it).
// Everything comes from GET /api/drafts/{id}/dashboard; actions call the workflow API and
// repaint. Labels are in both interface languages, here, so the panel stands alone.
import "./workflow.css";
import { api } from "../../api/api";
import type { Approval, Dashboard, DashboardLine as Line } from "../../api/types";
import type { Meeting, Status, User } from "../../logic/model";
import { inZone, placeOf, viewerTimeZone, wallTimeIn, wallTimeOf, zoneOffset } from "../../logic/zones";
import { colourOf, countryName } from "../../state/countries";
import { lang } from "../../state/lang";
import { clear, h } from "../dom";
import { errorText } from "../errors";

const words = {
  en: {
    workflow: "Negotiation",
    adopted: "Adopted",
    adoptedOn: "Adopted on {date}. The text is locked.",
    adoptedBySilence: "Adopted by silence procedure: no delegation objected before the deadline.",
    adoptedByApprovals: "Adopted with the approval of both Pro-Tempore Presidencies.",
    fingerprint: "Certified fingerprint (SHA-256)",
    silenceUntil: "Under silence procedure until {time}. The text is frozen.",
    silenceYourTime: "{city} time, your capital's",
    objection: "Written objection",
    object: "Break silence with this objection",
    silenceBroken: "Silence broken by {country}: {text}",
    silenceLapsed: "Silence ended without adoption: {reason}",
    approvals: "Approval by the Pro-Tempore Presidencies",
    approved: "approved",
    awaiting: "awaiting",
    approve: "Approve this text",
    voided: "{country}'s approval was voided: {reason}",
    startSilence: "Put under silence until",
    start: "Start silence procedure",
    timeOf: "{city} time",
    deadlineHelp: "Choose the date and time in your capital's time.",
    deadlinePast: "This time has already passed.",
    deadlinePreview: "Deadline: {time}. Each delegation will see it in its own capital's time.",
    statuses: "Paragraphs",
    unsettled: "Still open or bracketed",
    none: "None.",
    proposalsBy: "Pending proposals",
    concordance: "Concordance EN/ES",
    confirm: "Confirm",
    confirmed: "concordant",
    out_of_concordance: "out of concordance",
    unconfirmed: "not confirmed",
    reasonPrompt: "Reopening an agreed paragraph needs a reason (kept in the activity log):",
    overridePrompt: "{n} paragraph(s) are not confirmed to match in both languages. Go ahead anyway? Give the reason (kept in the activity log):",
    pendingFirst: "{n} proposal(s) still pending ({list}): accept or reject each before the text is approved or put under silence.",
    status_open: "Open",
    status_bracketed: "Bracketed",
    status_agreed_ad_ref: "Agreed ad ref.",
    status_agreed: "Agreed",
  },
  es: {
    workflow: "Negociación",
    adopted: "Adoptado",
    adoptedOn: "Adoptado el {date}. El texto está bloqueado.",
    adoptedBySilence: "Adoptado por procedimiento de silencio: ninguna delegación objetó antes del plazo.",
    adoptedByApprovals: "Adoptado con la aprobación de ambas Presidencias Pro Tempore.",
    fingerprint: "Huella certificada (SHA-256)",
    silenceUntil: "Bajo procedimiento de silencio hasta el {time}. El texto está congelado.",
    silenceYourTime: "hora de {city}, la de su capital",
    objection: "Objeción escrita",
    object: "Romper el silencio con esta objeción",
    silenceBroken: "Silencio roto por {country}: {text}",
    silenceLapsed: "El silencio terminó sin adopción: {reason}",
    approvals: "Aprobación de las Presidencias Pro Tempore",
    approved: "aprobado",
    awaiting: "pendiente",
    approve: "Aprobar este texto",
    voided: "La aprobación de {country} quedó sin efecto: {reason}",
    startSilence: "Someter a silencio hasta",
    start: "Iniciar procedimiento de silencio",
    timeOf: "hora de {city}",
    deadlineHelp: "Elija la fecha y la hora en la hora de su capital.",
    deadlinePast: "Esa hora ya pasó.",
    deadlinePreview: "Plazo: {time}. Cada delegación lo verá en la hora de su propia capital.",
    statuses: "Párrafos",
    unsettled: "Aún abiertos o entre corchetes",
    none: "Ninguna.",
    proposalsBy: "Propuestas pendientes",
    concordance: "Concordancia EN/ES",
    confirm: "Confirmar",
    confirmed: "concordante",
    out_of_concordance: "sin concordancia",
    unconfirmed: "sin confirmar",
    reasonPrompt: "Reabrir un párrafo acordado requiere un motivo (queda en el registro):",
    overridePrompt: "{n} párrafo(s) sin concordancia confirmada entre ambos idiomas. ¿Continuar de todos modos? Indique el motivo (queda en el registro):",
    pendingFirst: "Quedan {n} propuesta(s) pendientes ({list}): acepte o rechace cada una antes de aprobar el texto o someterlo a silencio.",
    status_open: "Abierto",
    status_bracketed: "Entre corchetes",
    status_agreed_ad_ref: "Acordado ad ref.",
    status_agreed: "Acordado",
  },
} as const;
type Word = keyof (typeof words)["en"];

function w(key: Word, params: Record<string, string | number> = {}): string {
  let s: string = words[lang()][key];
  for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, String(v));
  return s;
}

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
        h("strong", {}, w("adoptedOn", { date: inZone(wf.adopted.adopted_at, zone, l) })),
        " ", h("span", {}, w(wf.adopted.how === "silence" ? "adoptedBySilence" : "adoptedByApprovals")),
        h("div", { class: "wf-fp" }, `${w("fingerprint")}: `, h("code", { "data-testid": "fingerprint" }, wf.adopted.fingerprint))));
    }
    const s = wf.silence;
    if (s && s.state === "running") {
      const banner = h("div", { class: "wf-banner silence", role: "status", "data-testid": "silence-banner" },
        h("strong", {}, w("silenceUntil", { time: inZone(s.deadline, zone, l) })),
        h("span", { class: "muted small", title: zone, "data-zone": zone }, ` (${w("silenceYourTime", { city: placeOf(me.country, zone, l) })})`));
      if (delegation) {
        // Repaints rebuild the panel: the objection being written survives them.
        const box = h("textarea", { rows: 2, "aria-label": w("objection"), placeholder: w("objection"), "data-testid": "objection-text", value: objectionDraft, oninput: (e: Event) => { objectionDraft = (e.target as HTMLTextAreaElement).value; } });
        banner.append(h("div", { class: "wf-objection" }, box,
          h("button", { type: "button", class: "reject", "data-testid": "object", onclick: () => {
            const text = box.value.trim();
            if (text) void act(() => api.object(draftId, text)).then((r) => { if (r) objectionDraft = ""; });
          } }, w("object"))));
      }
      el.append(banner);
    } else if (s && s.state === "broken" && !wf.adopted) {
      const o = s.objections[s.objections.length - 1];
      if (o) el.append(h("div", { class: "wf-banner broken", role: "status", "data-testid": "silence-broken" }, w("silenceBroken", { country: countryName(o.country, l), text: o.body })));
    } else if (s && s.state === "lapsed" && !wf.adopted) {
      el.append(h("div", { class: "wf-banner broken", role: "status" }, w("silenceLapsed", { reason: s.outcome ?? "" })));
    }

    const details = h("details", { class: "wf-details", "data-testid": "dashboard", ...(open ? { open: true } : {}) });
    details.addEventListener("toggle", () => {
      open = details.open;
      localStorage.setItem("pluma.workflowOpen", open ? "1" : "0");
    });
    details.append(h("summary", {}, w("workflow"), " · ",
      ...(["open", "bracketed", "agreed_ad_ref", "agreed"] as Status[]).map((st) =>
        h("span", { class: `status st-${st}`, "data-testid": `count-${st}` }, `${w(`status_${st}`)} ${d.status_counts[st] ?? 0}`))));

    // Approval bar.
    const bar = h("div", { class: "wf-approvals", "data-testid": "approval-bar" }, h("strong", {}, `${w("approvals")}: `));
    for (const c of wf.ppt) {
      const ok = wf.approved_by.includes(c);
      bar.append(h("span", { class: `wf-ppt ${ok ? "ok" : "wait"}`, style: `--c:${colourOf(c)}`, "data-country": c },
        `${c} — ${countryName(c, l)}: ${ok ? `✓ ${w("approved")}` : w("awaiting")}`));
    }
    const lastByCountry = new Map<string, Approval>();
    for (const a of wf.approvals) lastByCountry.set(a.country, a);
    for (const a of lastByCountry.values()) {
      if (!a.live && a.void_reason) bar.append(h("div", { class: "wf-voided muted small", "data-testid": "approval-voided" }, w("voided", { country: a.country, reason: a.void_reason })));
    }
    if (chair && me.country && wf.ppt.includes(me.country) && !wf.adopted && !wf.approved_by.includes(me.country)) {
      bar.append(h("button", { type: "button", class: "primary", "data-testid": "approve", onclick: () => void approve(d) }, w("approve")));
    }
    if (chair && !wf.adopted && !(s && s.state === "running")) bar.append(silenceForm());
    // After adoption by silence the PPTs' approvals no longer matter: the banner says how.
    if (!(wf.adopted && wf.adopted.how === "silence")) el.append(bar);

    // Paragraphs: status (chairs change it) and concordance (the secretariat confirms it).
    const table = h("table", { class: "wf-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, w("statuses")), h("th", {}, ""), h("th", {}, w("concordance")))));
    const tbody = h("tbody", {});
    for (const p of d.paragraphs) {
      const statusCell = chair && !wf.locked
        ? h("select", { "data-testid": "status-select", "aria-label": `${label(p)} ${w("statuses")}`, onchange: (e: Event) => void setStatus(p, (e.target as HTMLSelectElement).value as Status, e.target as HTMLSelectElement) },
          ...(["open", "bracketed", "agreed_ad_ref", "agreed"] as Status[]).map((st) => h("option", { value: st, selected: st === p.status }, w(`status_${st}`))))
        : h("span", { class: `status st-${p.status}` }, w(`status_${p.status}`));
      const conc = h("span", { class: `wf-conc ${p.concordance}`, "data-testid": "concordance" }, w(p.concordance));
      tbody.append(h("tr", { "data-paragraph": p.paragraph },
        h("td", { class: "num" }, label(p)), h("td", {}, statusCell), h("td", { class: "wf-words" }, words(p)),
        h("td", {}, conc, decides && p.concordance !== "confirmed" && !wf.locked && (chair || p.status !== "agreed")
          ? h("button", { type: "button", class: "small", "data-testid": "confirm-concordance", onclick: () => void act(() => api.confirmConcordance(draftId, p.paragraph)) }, w("confirm"))
          : null)));
    }
    table.append(tbody);
    details.append(table);

    const counts = Object.entries(d.proposals_by_country);
    details.append(h("div", { class: "wf-proposals" }, h("h3", {}, w("proposalsBy")),
      counts.length === 0 ? h("span", { class: "muted" }, w("none"))
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
      "aria-label": `${w("startSilence")} (${w("timeOf", { city })})`,
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
      preview.textContent = Number.isNaN(ms) ? w("deadlineHelp") : ms <= Date.now() ? w("deadlinePast") : w("deadlinePreview", { time: inZone(ms, zone, l) });
    }
    showPreview();
    return h("div", { class: "wf-start" },
      h("label", {}, `${w("startSilence")} `, input, h("span", { class: "muted small", title: zone }, ` ${w("timeOf", { city })}, ${zoneOffset(Date.now(), zone)}`)),
      h("button", { type: "button", "data-testid": "start-silence", onclick: () => {
        const ms = wallTimeIn(input.value, zone);
        if (Number.isNaN(ms)) {
          notify(w("deadlineHelp"), true);
          return;
        }
        void startSilence(ms);
      } }, w("start")),
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
      const given = prompt(w("overridePrompt", { n: now.out_of_concordance }));
      if (!given || !given.trim()) return;
      body.concordance_override = given.trim();
    }
    if (await act(() => api.startSilence(draftId, body))) silenceDraft = "";
  }

  async function setStatus(p: Line, status: Status, select: HTMLSelectElement): Promise<void> {
    let reason: string | undefined;
    if (p.status === "agreed" && status !== "agreed") {
      const given = prompt(w("reasonPrompt"));
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
    notify(w("pendingFirst", { n, list: counts.map(([c, k]) => `${countryName(c, lang())} ${k}`).join(", ") }), true);
    return true;
  }

  async function approve(d: Dashboard): Promise<void> {
    if (stillPending(d)) return;
    const body: { heads: string[]; concordance_override?: string } = { heads: d.workflow.heads };
    if (d.out_of_concordance > 0) {
      const given = prompt(w("overridePrompt", { n: d.out_of_concordance }));
      if (given && given.trim()) body.concordance_override = given.trim();
    }
    await act(() => api.approve(draftId, body));
  }

  void refresh(true);
  const timer = setInterval(() => void refresh(), 3000);
  return () => clearInterval(timer);
}
