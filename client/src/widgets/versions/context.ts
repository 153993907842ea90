// What the versions panel, the compare view and the export dialog need of the draft view.

export interface VersionsContext {
  draftId: string;
  /** The draft's title now, for file names. */
  title: () => { en: string; es: string };
  /** A person's name (or their delegation's) for "saved by". */
  personOf: (user: string, country: string) => string;
}
