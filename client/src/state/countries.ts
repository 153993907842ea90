// Each delegation's colour and name, registered as meetings and drafts are read. 25 colours
// that can be told apart on white (after Kelly's and Glasbey's palettes); the country code
// is always shown next to the colour so colour-blind readers need not rely on it.
import { SECRETARIAT } from "../logic/model";

export { SECRETARIAT };

// In farthest-first order (each colour the one most unlike all before it, by CIELAB
// distance), so that the colours handed out first differ most from one another (in the
// order before, the 2021 meeting's two Presidencies, Argentina and Mexico, Peru and the
// United States were two blues and two greens).
const PALETTE = [
  "#00838f", "#e65100", "#8e24aa", "#9e9d24", "#d81b60", "#4e342e", "#1b5e20", "#0b5fa5",
  "#1a237e", "#880e4f", "#b71c1c", "#37474f", "#00695c", "#4527a0", "#827717", "#ad1457",
  "#2e7d32", "#bf360c", "#ef6c00", "#6a1b9a", "#0277bd", "#33691e", "#283593", "#c1272d", "#5d4037",
];

export interface CountryInfo {
  code: string;
  name_en: string;
  name_es: string;
}

/** The secretariat is no delegation, so it takes no delegation's colour (the 26th code
 * registered would wrap round to the first delegation's). */
const SECRETARIAT_COLOUR = "#757575";

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
  let i = order.indexOf(code);
  if (i < 0) {
    registerCountries([{ code, name_en: code, name_es: code }]);
    i = order.indexOf(code);
  }
  return PALETTE[i % PALETTE.length];
}

export function countryName(code: string, lang: "en" | "es"): string {
  const c = known.get(code);
  if (!c) return code;
  return lang === "es" ? c.name_es : c.name_en;
}

export const PALETTE_SIZE = PALETTE.length;
