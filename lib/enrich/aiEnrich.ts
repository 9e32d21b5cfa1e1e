/**
 * `enrichWithAi`: one lead's enrichment in AI mode, on either database. Company-level fields come from the model
 * (through the cache: one call per company domain, prompt version and model, whichever process or host asks first),
 * person-level fields from the rules, and provenance says which per field. An invalid answer gets one repair request; after that, or when the call fails, the lead gets the
 * rules' enrichment and the reason. Deferrals and fatal errors (bad key, retired model) are thrown to the caller.
 */
import type { Enrichment, LeadInput } from '../types';
import type { Db } from '../store/db';
import { askJson, type GroqClient } from '../llm/client';
import { cachedOrAsked, takeCached } from '../llm/cache';
import { LlmRequestFailedError } from '../llm/errors';
import { companyDomainOf } from './companyDomain';
import { enrichByRules, RULES_VERSION } from './rules';
import {
  companyFactsJsonSchema,
  companyFactsValidator,
  companyMessages,
  ENRICH_PROMPT_VERSION,
  type CompanyFacts,
} from './aiCompanyPrompt';

export type AiEnrichLead = Pick<LeadInput, 'title' | 'company' | 'industry' | 'website' | 'email' | 'country'> & { companyDomain?: string };

export interface AiEnrichResult {
  enrichment: Enrichment;
  /** model: asked now; cache: answered before; rules: fell back. */
  via: 'model' | 'cache' | 'rules';
  /** Why the rules served this lead, when they did. */
  fallbackReason: string | null;
}

type CompanyAnswer = { facts: CompanyFacts; via: 'model' | 'cache' } | { facts: null; reason: string };

/**
 * Answers per company within one session (a stage run, a node execution): concurrent leads of one company share one
 * request, and a company whose answer failed is not asked again for each of its leads.
 */
export type EnrichSession = Map<string, Promise<CompanyAnswer>>;
export function createEnrichSession(): EnrichSession {
  return new Map();
}

function merge(lead: AiEnrichLead, facts: CompanyFacts, model: string): Enrichment {
  const rules = enrichByRules(lead);
  return {
    ...rules,
    companySize: facts.companySize,
    painPoints: facts.painPoints.slice(),
    buyingTriggers: facts.buyingTriggers.slice(),
    confidence: Math.round(facts.confidence * 100) / 100,
    provenance: { ...rules.provenance, companySize: 'model', painPoints: 'model', buyingTriggers: 'model', confidence: 'model' },
    source: model,
  };
}

async function companyAnswer(db: Db, client: GroqClient, lead: AiEnrichLead, domain: string): Promise<CompanyAnswer> {
  const key = { companyDomain: domain, promptVersion: ENRICH_PROMPT_VERSION, model: client.model };
  const r = await cachedOrAsked(db, key, {
    read: (cached) => {
      const parsed = companyFactsValidator.safeParse(cached);
      return parsed.success ? parsed.data : undefined;
    },
    maxWaitMs: client.settings.maxWaitMs,
    ask: async () => {
      try {
        const asked = await askJson(client, {
          purpose: 'enrich',
          schemaName: 'company_profile',
          jsonSchema: companyFactsJsonSchema,
          validator: companyFactsValidator,
          messages: companyMessages({ company: lead.company, companyDomain: domain, industry: lead.industry, country: lead.country }),
          maxCompletionTokens: 1024,
        });
        return asked.value ? { value: asked.value } : { value: null, reason: `invalid answer after one repair: ${asked.reason}` };
      } catch (err) {
        if (err instanceof LlmRequestFailedError) return { value: null, reason: err.message };
        throw err;
      }
    },
  });
  return 'reason' in r ? { facts: null, reason: r.reason } : { facts: r.value, via: r.via };
}

export async function enrichWithAi(
  db: Db,
  client: GroqClient,
  lead: AiEnrichLead,
  session: EnrichSession = createEnrichSession(),
): Promise<AiEnrichResult> {
  const domain = (lead.companyDomain || companyDomainOf(lead.website ?? '', lead.email ?? '')).toLowerCase();
  if (!domain) {
    return { enrichment: enrichByRules(lead), via: 'rules', fallbackReason: 'the lead has no company domain to profile' };
  }
  let pending = session.get(domain);
  const asker = !pending;
  if (!pending) {
    pending = companyAnswer(db, client, lead, domain);
    session.set(domain, pending);
    // A deferral or fatal error must not stick to the domain for the whole session.
    pending.catch(() => session.delete(domain));
  }
  const answer = await pending;
  if (!answer.facts) return { enrichment: enrichByRules(lead), via: 'rules', fallbackReason: answer.reason };
  // A lead that joined another lead's request was served without a call: that is a cache hit too.
  if (!asker) {
    await takeCached(db, { companyDomain: domain, promptVersion: ENRICH_PROMPT_VERSION, model: client.model });
  }
  return { enrichment: merge(lead, answer.facts, client.model), via: asker ? answer.via : 'cache', fallbackReason: null };
}

export { RULES_VERSION };
