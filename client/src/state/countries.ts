// Each delegation's colour and name, registered as meetings and drafts are read. 25 colours
// that can be told apart on white (after Kelly's and Glasbey's palettes); the country code
// is always shown next to the colour so colour-blind readers need not rely on it.
import { SECRETARIAT } from "../logic/model";

export { SECRETARIAT };

const PALETTE = [
  "#0b5fa5", "#c1272d", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f", "#ad1457", "#5d4037",
  "#1a237e", "#827717", "#d81b60", "#00695c", "#6a1b9a", "#bf360c", "#33691e", "#283593",
  "#4e342e", "#0277bd", "#9e9d24", "#880e4f", "#37474f", "#e65100", "#1b5e20", "#4527a0", "#b71c1c",
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
