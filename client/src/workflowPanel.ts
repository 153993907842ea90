// The workflow panel of a draft: the adoption banner with the certified fingerprint, the
// silence banner (deadline in the viewer's own capital's time zone) with the objection
// form, a proposed silence waiting for the other Presidency (whose chair agrees here), the
// approval bar of both Pro-Tempore Presidencies, and the dashboard: statuses
// (chairs set them, with a reason when reopening an agreed paragraph), pending proposals
// per country, and translation concordance per paragraph (the secretariat confirms it).
// Everything comes from GET /api/drafts/{id}/dashboard; actions call the workflow API and
// repaint. Labels are in both interface languages, here, so the panel stands alone.
import "./workflowPanel.css";
import { type Meeting, type User, call } from "./api";
import { colourOf, countryName } from "./countries";
import { clear, h } from "./dom";
import { type Lang, lang } from "./i18n";
import { errorText } from "./main";
import { words } from "./workflowWords";
import { placeOf, wallTimeIn, wallTimeOf, zoneOffset } from "./zones";

type Status = "open" | "bracketed" | "agreed_ad_ref" | "agreed";
interface Line {
  number: number | null;
  paragraph: string;
  status: Status;
  first_words: string;
  concordance: "confirmed" | "out_of_concordance" | "unconfirmed";
}
interface Approval {
  id: string;
  country: string;
  created_at: number;
  live: boolean;
  void_reason: string | null;
}
interface Silence {
  id: string;
  state: "running" | "broken" | "adopted" | "lapsed" | "closed";
  deadline: number;
  outcome: string | null;
  country: string | null;
  objections: Array<{ country: string; body: string; created_at: number }>;
}
interface SilenceProposal {
  id: string;
  country: string;
  deadline: number;
  consents: string[];
  awaiting: string[];
}
interface Dashboard {
  status_counts: Record<Status, number>;
  unsettled: Line[];
  proposals_by_country: Record<string, number>;
  paragraphs: Line[];
  out_of_concordance: number;
  workflow: {
    ppt: string[];
    heads: string[];
    approvals: Approval[];
    approved_by: string[];
    awaiting: string[];
    silence: Silence | null;
    silence_proposal: SilenceProposal | null;
    adopted: { fingerprint: string; adopted_at: number; how: string; concordance_override: string | null } | null;
    locked: string | null;
  };
}

type Word = keyof (typeof words)["en"];

function w(key: Word, params: Record<string, string | number> = {}): string {
  let s: string = words[lang()][key];
  for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, String(v));
  return s;
}

/** The IANA time zone of the viewer's delegation's capital, else the browser's. */
export function viewerTimeZone(me: User, meetings: Meeting[]): string {
  for (const m of meetings) for (const d of m.delegations) if (d.code === me.country && d.time_zone) return d.time_zone;
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A time in a zone, with the zone's name: "30 Nov 2021, 18:00 GMT-5". */
export function inZone(ms: number, zone: string, l: Lang): string {
  try {
    return new Intl.DateTimeFormat(l === "es" ? "es" : "en-GB", {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: zone,
      timeZoneName: "short",
    }).format(new Date(ms));
  } catch {
    return new Date(ms).toISOString();
  }
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
  const base = `/api/drafts/${encodeURIComponent(draftId)}`;
  const zone = viewerTimeZone(me, meetings);
  const chair = me.role === "chair";
  const decides = chair || me.role === "secretariat";
  const delegation = (me.role === "delegate" || me.role === "chair") && me.country !== null;
  let last = "";
  let lockKnown = false;
  let open = localStorage.getItem("pluma.workflowOpen") === "1";
  let objectionDraft = "";
  let silenceDraft = "";

  async function act(method: "POST", path: string, body: unknown): Promise<unknown> {
    try {
      const r = await call<unknown>(method, `${base}${path}`, body);
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
      d = await call<Dashboard>("GET", `${base}/dashboard`);
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
            if (text) void act("POST", "/silence/objections", { text }).then((r) => { if (r) objectionDraft = ""; });
          } }, w("object"))));
      }
      el.append(banner);
    } else if (s && s.state === "broken" && !wf.adopted) {
      const o = s.objections[s.objections.length - 1];
      if (o) el.append(h("div", { class: "wf-banner broken", role: "status", "data-testid": "silence-broken" }, w("silenceBroken", { country: countryName(o.country, l), text: o.body })));
    } else if (s && s.state === "lapsed" && !wf.adopted) {
      el.append(h("div", { class: "wf-banner broken", role: "status" }, w("silenceLapsed", { reason: s.outcome ?? "" })));
    }
    const proposal = wf.silence_proposal;
    if (proposal && !wf.adopted && !(s && s.state === "running")) el.append(proposalBanner(proposal));

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
    // Only a Presidency proposes a silence procedure (the other one agrees to it).
    if (presidency(wf) && !wf.adopted && !(s && s.state === "running")) bar.append(silenceForm());
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
          ? h("button", { type: "button", class: "small", "data-testid": "confirm-concordance", onclick: () => void act("POST", `/paragraphs/${encodeURIComponent(p.paragraph)}/concordance`, {}) }, w("confirm"))
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

  /** Whether the viewer is the chair of one of the draft's Pro-Tempore Presidencies. */
  function presidency(wf: Dashboard["workflow"]): boolean {
    return chair && me.country !== null && wf.ppt.includes(me.country);
  }

  /** A proposed silence: who proposed it, until when, whose agreement is missing; the
   * chair of a Presidency still to agree agrees here. */
  function proposalBanner(p: SilenceProposal): HTMLElement {
    const l = lang();
    const awaiting = p.awaiting.map((c) => countryName(c, l)).join(", ");
    const mine = me.country !== null && p.consents.includes(me.country);
    const banner = h("div", { class: "wf-banner proposal", role: "status", "data-testid": "silence-proposal" },
      h("strong", {}, mine ? w("proposalYours", { awaiting }) : w("proposalPending", { country: countryName(p.country, l), time: inZone(p.deadline, zone, l), awaiting })));
    if (mine) banner.append(" ", h("span", {}, inZone(p.deadline, zone, l)));
    if (chair && me.country !== null && p.awaiting.includes(me.country)) {
      banner.append(h("div", {}, h("button", { type: "button", class: "primary", "data-testid": "agree-silence", onclick: () => void act("POST", "/silence/agreement", { proposal: p.id }) }, w("agree"))));
    }
    return banner;
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
      preview,
      h("div", { class: "muted small" }, w("silenceRule")));
  }

  /** Proposes to put the text under silence, checked against the dashboard as it is now
   * (the one painted may be up to a poll old): not with proposals pending; out of
   * concordance only with the chair's reason. The silence starts when the other
   * Presidency agrees. */
  async function startSilence(deadline: number): Promise<void> {
    let now: Dashboard;
    try {
      now = await call<Dashboard>("GET", `${base}/dashboard`);
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
    const answer = (await act("POST", "/silence", body)) as { silence: unknown } | null;
    if (!answer) return;
    silenceDraft = "";
    if (!answer.silence) notify(w("proposed"));
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
    await act("POST", `/paragraphs/${encodeURIComponent(p.paragraph)}/status`, reason ? { status, reason } : { status });
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
    await act("POST", "/approvals", body);
  }

  void refresh(true);
  const timer = setInterval(() => void refresh(), 3000);
  return () => clearInterval(timer);
}
