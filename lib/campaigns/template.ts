/**
 * The template engine of campaigns: LiquidJS (a well-kept, sandboxed Liquid), made safe for text other people
 * write, plus spintax.
 *
 * - **Liquid**: `{{ firstName }}`, `{{ custom["Seniority"] | default: "a leader" }}`, `{% if title %}…{% endif %}`.
 *   No file system (`include`/`render`/`layout` find nothing), own properties only (no `constructor`, no
 *   prototype), and limits on template size, render time and memory, so a template cannot read files, reach into
 *   JavaScript objects or hang a send. Output is not HTML-escaped: messages are plain text.
 * - **Spintax**: `{Hi|Hello|Hey}` picks one option per lead — deterministically, by a hash of the lead's address,
 *   the step, the variant and the group's place — so a rerun writes the same words and a million leads do not all
 *   get the same sentence. Groups may nest and may hold Liquid (`{Hi {{ firstName }}|Hello}`). Spun before Liquid
 *   renders, so a lead's own data is never spun.
 */
import { Liquid, type Template } from 'liquidjs';
import { stableHash } from '../enrich/stableHash';

const engine = new Liquid({
  // In-memory partials only, and none: {% include %} and friends never touch the file system.
  templates: {},
  ownPropertyOnly: true,
  strictFilters: true,
  strictVariables: false,
  parseLimit: 20_000,
  renderLimit: 500,
  memoryLimit: 1_000_000,
});
// A campaign's template is one text: a tag that pulls in another template is refused when it is parsed.
for (const tag of ['include', 'render', 'layout']) {
  engine.registerTag(tag, {
    parse() {
      throw new Error(`{% ${tag} %} is not available in campaign templates: write the text in the template itself`);
    },
    render() {
      return '';
    },
  });
}

export type TemplateContext = Record<string, unknown>;

/** A template parsed once (a campaign's are parsed when it is loaded), rendered for each lead. */
export interface CompiledTemplate {
  source: string;
  /** Whether the text has spintax (so each lead's text is spun and parsed; otherwise parsed once). */
  spun: boolean;
  parsed: Template[] | null;
}

export function compileTemplate(source: string): CompiledTemplate {
  const spun = spintaxGroups(source) > 0;
  return { source, spun, parsed: spun ? null : engine.parse(source) };
}

/** Render for one lead; `seed` picks the spintax options (the lead's address, the step, the variant). */
export function renderTemplate(t: CompiledTemplate, context: TemplateContext, seed: string): string {
  const parsed = t.parsed ?? engine.parse(spin(t.source, seed));
  return engine.renderSync(parsed, context) as string;
}

/** Parse errors of a template's Liquid (after spinning its first options), as sentences; [] when it parses. */
export function liquidProblems(source: string): string[] {
  try {
    engine.parse(spin(source, ''));
    return [];
  } catch (err) {
    return [(err as Error).message.split('\n')[0]];
  }
}

/** The variables a template reads, as dotted paths ("firstName", "custom.Seniority"), every spintax option included. */
export function variablesOf(source: string): string[] {
  const out = new Set<string>();
  for (const text of allSpins(source)) {
    for (const segments of engine.globalVariableSegmentsSync(text)) out.add(segments.map(String).join('.'));
  }
  return [...out];
}

// ---- spintax ----------------------------------------------------------------------------------------------------

/** Where a Liquid tag (`{{ … }}` or `{% … %}`) that starts at i ends (the index after it), or -1 if it does not start one. */
function liquidTagEnd(text: string, i: number): number {
  if (text[i] !== '{' || (text[i + 1] !== '{' && text[i + 1] !== '%')) return -1;
  const close = text[i + 1] === '{' ? '}}' : '%}';
  const end = text.indexOf(close, i + 2);
  return end === -1 ? text.length : end + 2;
}

interface Group {
  start: number;
  end: number;
  options: string[];
}

/** The top-level spintax groups of a text; throws on an unbalanced brace, naming where. */
function topGroups(text: string): Group[] {
  const groups: Group[] = [];
  let depth = 0;
  let start = -1;
  let optionStart = -1;
  let options: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const tagEnd = liquidTagEnd(text, i);
    if (tagEnd !== -1) {
      i = tagEnd - 1;
      continue;
    }
    const c = text[i];
    if (c === '{') {
      if (depth === 0) {
        start = i;
        optionStart = i + 1;
        options = [];
      }
      depth++;
    } else if (c === '}') {
      if (depth === 0) throw new SpintaxError(`a "}" at character ${i + 1} closes no "{"`);
      depth--;
      if (depth === 0) {
        options.push(text.slice(optionStart, i));
        groups.push({ start, end: i + 1, options });
      }
    } else if (c === '|' && depth === 1) {
      options.push(text.slice(optionStart, i));
      optionStart = i + 1;
    }
  }
  if (depth > 0) throw new SpintaxError(`the "{" at character ${start + 1} is never closed`);
  return groups;
}

export class SpintaxError extends Error {
  constructor(message: string) {
    super(`unbalanced spintax: ${message} (write {one|two} with a "}" for each "{")`);
    this.name = 'SpintaxError';
  }
}

function spintaxGroups(text: string): number {
  return topGroups(text).length;
}

/** The text with each group replaced by one option, chosen by a hash of the seed and the group's place. */
export function spin(text: string, seed: string, path = ''): string {
  const groups = topGroups(text);
  if (groups.length === 0) return text;
  let out = '';
  let at = 0;
  groups.forEach((g, k) => {
    const where = `${path}${k}.`;
    const choice = g.options[stableHash(`${seed}|${where}`) % g.options.length];
    out += text.slice(at, g.start) + spin(choice, seed, where);
    at = g.end;
  });
  return out + text.slice(at);
}

/** Every text the spintax can produce, up to a limit (for the linter: each option's words and variables count). */
export function allSpins(text: string, limit = 64): string[] {
  const groups = topGroups(text);
  if (groups.length === 0) return [text];
  let texts = [''];
  let at = 0;
  for (const g of groups) {
    const between = text.slice(at, g.start);
    const choices = g.options.flatMap((o) => allSpins(o, limit));
    const next: string[] = [];
    for (const t of texts) for (const c of choices) if (next.length < limit) next.push(t + between + c);
    texts = next;
    at = g.end;
  }
  return texts.map((t) => t + text.slice(at));
}

/** Spintax problems of a text as sentences; [] when balanced. (An empty option, `{|really }`, is allowed.) */
export function spintaxProblems(text: string): string[] {
  try {
    topGroups(text);
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}
