/**
 * The template linter, run when a campaign is saved: everything that would otherwise be found at send time, found
 * before any lead is written to — each finding naming the step, channel, variant and field, and the variable or
 * number at fault.
 *
 * Errors (the campaign is refused): Liquid that does not parse, unbalanced spintax, an unknown variable (with the
 * nearest known name: `{{frist_name}}` → "did you mean firstName?"), a fallback for no variable, and every rule of
 * the copy contract that a message rendered with long sample values breaks — a step over its word budget, a subject
 * too long, no call to action, an opt-out line that opts nobody out, a placeholder left behind. Every spintax
 * option is rendered, so the longest one is the one measured.
 *
 * Warnings (saved, and said): a spam-trigger word, a custom column no lead in the store has yet, a model-written
 * variant with no fallback template for runs without a model.
 */
import type { Channel } from '../types';
import { checkCopy } from '../personalize/copyContract';
import { allSpins, compileTemplate, liquidProblems, renderTemplate, spintaxProblems, variablesOf } from './template';
import { CUSTOM, VARIABLE_NAMES, sampleContext, type RenderContext } from './variables';
import { emailClosingOf } from './draft';
import { threadSubject } from '../personalize/followUp';
import type { CampaignSpec, TemplateVariant } from './spec';

export interface LintFinding {
  /** "step 1 · email · variant A · body" */
  where: string;
  message: string;
}

export interface LintReport {
  errors: LintFinding[];
  warnings: LintFinding[];
}

export interface LintOptions {
  /** Custom columns leads in the store have (their attributes): a `custom.X` none has is a warning. */
  customColumns?: readonly string[];
}

/** Words that spam filters and readers distrust in cold email. Whole words or phrases, case-insensitive. */
const SPAM_WORDS = [
  'free', 'guarantee', 'guaranteed', 'risk-free', 'no risk', 'act now', 'urgent', 'limited time', 'winner', 'cash',
  '100%', 'click here', 'buy now', 'order now', 'earn money', 'double your', 'no obligation', 'special promotion',
  'amazing', 'congratulations', '$$$',
];
const SPAM = new RegExp(`(?:^|[^\\w$%])(${SPAM_WORDS.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=$|[^\\w$%])`, 'gi');

function lowerKey(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known variable nearest to an unknown one, if it is near enough to be a typo. */
export function nearestVariable(name: string): string | undefined {
  const key = lowerKey(name);
  let best: { name: string; d: number } | undefined;
  for (const known of VARIABLE_NAMES) {
    const d = distance(key, lowerKey(known));
    if (!best || d < best.d) best = { name: known, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

function variableProblem(path: string, customColumns: readonly string[] | undefined): { error?: string; warning?: string } {
  const [head, ...rest] = path.split('.');
  if (head === CUSTOM) {
    if (rest.length === 0) return { error: `{{ ${CUSTOM} }} needs a column: {{ ${CUSTOM}["Column Name"] }}` };
    const column = rest.join('.');
    if (customColumns && !customColumns.includes(column)) {
      return { warning: `no lead in the store has a "${column}" column yet: until one does, {{ ${CUSTOM}[${JSON.stringify(column)}] }} renders its fallback, or nothing` };
    }
    return {};
  }
  if ((VARIABLE_NAMES as string[]).includes(head)) {
    return rest.length ? { error: `{{ ${path} }}: ${head} is text, it has no field "${rest.join('.')}"` } : {};
  }
  const near = nearestVariable(head);
  return { error: `unknown variable {{ ${head} }}${near ? `: did you mean {{ ${near} }}?` : ''} (known: ${VARIABLE_NAMES.join(', ')}, and ${CUSTOM}["<column>"])` };
}

function lintText(r: LintReport, where: string, source: string, o: LintOptions): boolean {
  const spintax = spintaxProblems(source);
  for (const message of spintax) r.errors.push({ where, message });
  if (spintax.length) return false;
  const liquid = liquidProblems(source);
  for (const message of liquid) r.errors.push({ where, message: `template does not parse: ${message}` });
  if (liquid.length) return false;
  const before = r.errors.length;
  for (const path of variablesOf(source)) {
    const p = variableProblem(path, o.customColumns);
    if (p.error) r.errors.push({ where, message: p.error });
    if (p.warning) r.warnings.push({ where, message: p.warning });
  }
  // Every spin is read, each word said once.
  const spam = new Set<string>();
  for (const text of allSpins(source)) for (const m of text.matchAll(SPAM)) spam.add(m[1].toLowerCase());
  for (const word of spam) r.warnings.push({ where, message: `"${word}" reads as spam to filters and people; say it plainly` });
  return r.errors.length === before;
}

/** Render every spin of a variant with the long samples and hold each result to the copy contract. */
function lintRendered(r: LintReport, spec: CampaignSpec, where: string, channel: Channel, step: number, v: TemplateVariant, context: RenderContext): void {
  const subjects = channel === 'email' ? (v.subject ? allSpins(v.subject) : [threadSubject('A subject of the first step')]) : [null];
  if (channel === 'email' && !v.subject && step === 1) r.errors.push({ where: `${where} · subject`, message: 'the first email needs a subject' });
  const bodies = allSpins(v.body);
  let worst: { words: number; problems: string[] } | undefined;
  for (const bodyText of bodies) {
    const body = renderTemplate(compileTemplate(bodyText), context, '').trim() + (channel === 'email' ? emailClosingOf(spec) : '');
    for (const subjectText of subjects) {
      const subject = subjectText === null ? null : renderTemplate(compileTemplate(subjectText), context, '');
      const problems = checkCopy({ channel, variant: 'A', step, subject, body }).map((p) => p.detail);
      const words = body.split(/\s+/).length;
      if (problems.length && (!worst || words > worst.words)) worst = { words, problems };
    }
  }
  if (worst) {
    for (const problem of worst.problems) {
      r.errors.push({ where, message: `${problem} — rendered with long sample values (a long name, title and company)${bodies.length > 1 ? ', longest spin' : ''}` });
    }
  }
}

export function lintCampaign(spec: CampaignSpec, o: LintOptions = {}): LintReport {
  const r: LintReport = { errors: [], warnings: [] };
  for (const key of Object.keys(spec.fallbacks)) {
    const p = variableProblem(key, undefined);
    if (p.error) r.errors.push({ where: `fallbacks.${key}`, message: p.error.replace('unknown variable', 'a fallback for an unknown variable') });
  }
  const context = sampleContext(spec, o.customColumns ?? []);
  spec.sequence.forEach((step, index) => {
    const n = index + 1;
    for (const channel of ['email', 'linkedin'] as const) {
      step[channel]?.forEach((variant, k) => {
        const where = `step ${n} · ${channel} · variant ${k === 0 ? 'A' : 'B'}`;
        let template: TemplateVariant | undefined;
        if ('ai' in variant) {
          template = variant.fallback;
          if (!template) {
            r.warnings.push({ where, message: 'written by the model: a run without one (no GROQ_API_KEY, or offline) cannot write it — add a fallback template' });
          }
        } else template = variant;
        if (!template) return;
        if (channel === 'linkedin' && template.subject) r.errors.push({ where: `${where} · subject`, message: 'a LinkedIn message has no subject' });
        const ok = [template.subject && lintText(r, `${where} · subject`, template.subject, o), lintText(r, `${where} · body`, template.body, o)];
        if (ok.every((x) => x !== false)) lintRendered(r, spec, where, channel, n, template, context);
      });
    }
  });
  return r;
}
