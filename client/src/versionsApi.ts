// Versions, comparisons and exports of a draft, as the server offers them under
// /api/drafts/{id}/versions, /diff and /export (see server/src/routes/versions.rs; the JSON
// of a comparison is core's `Comparison`).
import { ApiError, call, errorOf } from "./api";

export type Lang = "en" | "es";
export type ParagraphKind = "preamble" | "operative" | "heading" | "question";
export type Status = "open" | "bracketed" | "agreed_ad_ref" | "agreed";

/** A named version: the document's heads with a label, who saved it and when. */
export interface Version {
  id: string;
  draft_id: string;
  label: string;
  heads: string[];
  /** `null` for versions the server saved itself. */
  created_by: string | null;
  country: string | null;
  /** Unix milliseconds. */
  created_at: number;
}

export interface Piece {
  op: "equal" | "insert" | "delete";
  text: string;
  /** The country credited with an insertion or deletion (absent: bound to no delegation). */
  country?: string;
  /** The same words were cut in one place of the paragraph and put in another. */
  moved?: boolean;
}

export interface ParagraphDiff {
  id: string;
  change: "unchanged" | "changed" | "added" | "removed";
  moved: boolean;
  from_number: number | null;
  to_number: number | null;
  kind: ParagraphKind;
  status?: { from: Status; to: Status };
  kind_change?: { from: ParagraphKind; to: ParagraphKind };
  /** Who added or removed the paragraph. */
  by?: string;
  pieces: Piece[];
}

export interface ProposalNote {
  id: string;
  country: string;
  kind: "insert" | "delete";
  paragraph: string;
  text: string;
}

export interface Comparison {
  lang: Lang;
  from: string[];
  to: string[];
  title: Piece[];
  paragraphs: ParagraphDiff[];
  proposals: { opened: ProposalNote[]; settled: ProposalNote[] };
  summary: {
    added: number;
    removed: number;
    moved: number;
    changed: number;
    status_changed: number;
    /** Words inserted and deleted by country (`"?"`: changes bound to no delegation). */
    by_country: Record<string, { inserted: number; deleted: number }>;
  };
}

/** "current" or a version id. */
export type VersionRef = string;
export const CURRENT: VersionRef = "current";

export type ExportFormat = "md" | "html" | "docx" | "docx-tracked";
export type DiffFileFormat = "html" | "md" | "docx";

const base = (draft: string) => `/api/drafts/${encodeURIComponent(draft)}`;

export const versionsApi = {
  list: (draft: string) => call<Version[]>("GET", `${base(draft)}/versions`),
  save: (draft: string, label: string) => call<Version>("POST", `${base(draft)}/versions`, { label }),
  compare: (draft: string, from: VersionRef, to: VersionRef, lang: Lang) =>
    call<Comparison>("GET", `${base(draft)}/diff?${new URLSearchParams({ from, to, lang, format: "json" })}`),
  exportPath: (draft: string, version: VersionRef, lang: Lang, format: ExportFormat) =>
    `${base(draft)}/export?${new URLSearchParams({ version, lang, format })}`,
  diffPath: (draft: string, from: VersionRef, to: VersionRef, lang: Lang, format: DiffFileFormat) =>
    `${base(draft)}/diff?${new URLSearchParams({ from, to, lang, format })}`,
};

/**
 * Fetches a file (export or redline). Errors arrive as `ApiError` with the server's
 * message, like every other call.
 */
export async function fetchFile(path: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network");
  }
  if (!res.ok) throw await errorOf(res);
  return res.blob();
}

/**
 * Hands a fetched file to the browser as a download, under a name a person recognises in
 * their downloads folder (the server's own names carry ids).
 */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** A file name from a title: letters, digits and dashes. */
export function slug(s: string): string {
  const out = s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
  return out.slice(0, 40).replace(/-+$/, "") || "draft";
}

/** What the versions panel, the compare view and the export dialog need of the draft view. */
export interface VersionsContext {
  draftId: string;
  /** The draft's title now, for file names. */
  title: () => { en: string; es: string };
  /** A person's name (or their delegation's) for "saved by". */
  personOf: (user: string, country: string) => string;
}
