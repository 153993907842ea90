// The meeting's people, delegations, drafts and agenda as the JSON API gives them: the
// shapes every layer reads, so that none borrows a type from a layer above it.
export type Lang = "en" | "es";
export type Role = "delegate" | "chair" | "secretariat" | "observer" | "admin";
export type Status = "open" | "bracketed" | "agreed_ad_ref" | "agreed";
export type ParagraphKind = "preamble" | "operative" | "heading" | "question";

/** The technical secretariat signs its proposals as `SEC`: no delegation's code. */
export const SECRETARIAT = "SEC";

export interface User {
  id: string;
  login: string;
  display_name: string;
  /** The name in Spanish, when it differs ("Presidencia Pro Tempore de la CRM (México)"). */
  display_name_es?: string | null;
  role: Role;
  country: string | null;
}
export interface Delegation {
  code: string;
  name_en: string;
  name_es: string;
  conference: string;
  time_zone: string;
  is_ppt: boolean;
}
export interface Meeting {
  id: string;
  name_en: string;
  name_es: string;
  delegations: Delegation[];
}
export interface DraftInfo {
  id: string;
  doc_id: string;
  meeting_id: string | null;
  kind: "communique" | "concept_note";
  title_en: string;
  title_es: string;
  url: string;
}

/** A text given in English, and in Spanish when there is one. */
export interface Texts {
  en: string;
  es: string | null;
}

export interface AgendaItem {
  kind: "opening" | "presentation" | "session" | "break" | "closure" | "end_of_day";
  number: number | null;
  title: Texts;
  start: number;
  end: number | null;
  topics: Texts[];
  leads: string[];
  led_by: string | null;
  /** `led_by` in Spanish, when the server has it. */
  led_by_es?: string | null;
  speakers: string[];
}
export interface Agenda {
  title: Texts;
  motto: Texts;
  utc_offset_minutes: number;
  days: Array<{ date: string; items: AgendaItem[] }>;
}
export interface Conference {
  code: "rcm" | "sacm";
  name_en: string;
  short_en: string;
  name_es: string;
  short_es: string;
  ppt: string | null;
  members: string[];
}
export interface MeetingDetail {
  id: string;
  name_en: string;
  name_es: string;
  conferences: Conference[];
  delegations: Delegation[];
  agenda: Agenda | null;
}

/** A stored name in the interface's language: the Spanish twin (`x_es`) when there is one. */
export function inLang(en: string, es: string | null | undefined, l: Lang): string {
  return l === "es" && es ? es : en;
}

/** A person's display name in the interface's language. */
export function displayName(x: { display_name: string; display_name_es?: string | null }, l: Lang): string {
  return inLang(x.display_name, x.display_name_es, l);
}
