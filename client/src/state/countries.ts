// Each delegation's colour and name, registered as meetings and drafts are read. The colours
// come from data/palette.json, shared with the server's exports: one per delegation,
// observer and the secretariat, any two at least 10 apart in CIEDE2000 and each readable
// (WCAG AA) on white and on its tint (checked by core/src/palette.rs). The country code is
// always shown next to the colour so colour-blind readers need not rely on it.
import { SECRETARIAT } from "../logic/model";
import palette from "../../../data/palette.json";

export { SECRETARIAT };

const LISTED = new Map<string, string>(palette.colours.map((e) => [e.code, e.colour]));
// A code the palette does not list takes a colour no listed code has, in the file's order.
const SPARE = palette.colours.map((e) => e.colour).filter((c) => c !== LISTED.get(SECRETARIAT));

export interface CountryInfo {
  code: string;
  name_en: string;
  name_es: string;
}

/** The secretariat is no delegation, so it takes no delegation's colour. */
const SECRETARIAT_COLOUR = LISTED.get(SECRETARIAT) ?? "#5f6368";

const known = new Map<string, CountryInfo>([
  [SECRETARIAT, { code: SECRETARIAT, name_en: "Technical Secretariat", name_es: "Secretaría Técnica" }],
]);
const order: string[] = [];

export function registerCountries(list: CountryInfo[]): void {
  for (const c of list) {
    if (c.code === SECRETARIAT) continue;
    const had = known.get(c.code);
    if (!had) order.push(c.code);
    // A placeholder (the code as its own name) never replaces a real name.
    if (!had || c.name_en !== c.code) known.set(c.code, c);
  }
}

/** Every code with a colour: the delegations registered so far, and the secretariat. */
export function countryCodes(): string[] {
  return [...order, SECRETARIAT];
}

export function colourOf(code: string): string {
  if (code === SECRETARIAT) return SECRETARIAT_COLOUR;
  const listed = LISTED.get(code);
  if (listed) return listed;
  if (!known.has(code)) registerCountries([{ code, name_en: code, name_es: code }]);
  const unlisted = order.filter((c) => !LISTED.has(c));
  const used = new Set(order.map((c) => LISTED.get(c)).filter((c) => c !== undefined));
  const free = SPARE.filter((c) => !used.has(c));
  const pool = free.length > 0 ? free : SPARE;
  return pool[unlisted.indexOf(code) % pool.length];
}

export function countryName(code: string, lang: "en" | "es"): string {
  const c = known.get(code);
  if (!c) return code;
  return lang === "es" ? c.name_es : c.name_en;
}

/** How many colours the palette has for delegations (the secretariat's aside). */
export const PALETTE_SIZE = SPARE.length;
