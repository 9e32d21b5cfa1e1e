/**
 * The public face of lib: what the n8n nodes, the MCP server, the status page and the CLI build on. Adapters import
 * from here (or from the module itself); lib imports no n8n, Express or MCP module.
 */
export * from './types';
export { LeadflowError, errorKind, errorMessage, type ErrorKind, type LeadflowErrorOptions, type Upstream } from './errors';
export { openStore, StoreError, type Store, type OpenStoreOptions } from './store/store';
export { defaultStorePath } from './store/location';
export { NoSqliteDriverError, type DriverName } from './store/driver';
export { getLead, getLeadByEmail, listLeads, iterateLeads, countLeadsByStatus, type StoredLead, type LeadQuery, type LeadPage } from './store/leads';
export { getEnrichment } from './store/enrichments';
export { messagesForLead, getMessage, type StoredMessage } from './store/messages';
export { suppress, suppressionReason, emailHash, type SuppressionKind } from './store/suppressions';
export { requestStop, latestRun, runningRuns, getRun, type RunRecord, type RunStatus } from './store/runs';

export { createLeadGenerator, generateLeads, type LeadGeneratorOptions } from './leads/generate/generate';
export { validateLead, summarizeValidation, isReservedDomain, type LeadValidation, type ValidationSummary } from './leads/validate';
export { mapRow, mapRows, parseCsv, type FieldMapping } from './leads/rows';
export { ingestLeads, type IngestResult } from './leads/ingest';
export { importRows, importCsvText, importCsvFile, ImportError, type ImportReport, type ImportOptions } from './leads/importLeads';
export { exportLeads, EXPORT_COLUMNS, type ExportFormat } from './leads/exportLeads';
export { getLeadDetail, type LeadDetail, type LeadSend, type LeadEvent } from './leads/detail';

export { enrichByRules, RULES_VERSION } from './enrich/rules';
export { enrichNewLeads, type EnrichTally } from './enrich/stage';

export { draftMessages, DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME, TEMPLATE_SOURCE } from './personalize/templates';
export { checkCopy, countWords, WORD_BUDGET } from './personalize/copyContract';
export { assignVariant } from './personalize/variant';
export { personalizeEnriched, type PersonalizeTally, type PersonalizeOptions } from './personalize/stage';

export { enqueue, claim, settle, recoverAbandoned, countSendsByState, SEND_STATES, type SendState, type Settlement } from './sending/ledger';
export { sendQueued, LiveSendRefused, type EmailTransport, type SendOptions, type SendTally } from './sending/drain';
export { sendMessaged, type SendStageTally, type SendStageOptions } from './sending/stage';
export { outgoingEmail, composeMime, messageIdFor, DRY_RUN_SENDER, type OutgoingEmail, type Sender } from './sending/compose';
export { previewEmail, PreviewError, type EmailPreview } from './sending/preview';

export { getMetrics, type Metrics, type FunnelStep } from './metrics/metrics';
export { abTestReport, compareVariants, type AbTestReport, type AbComparison, type AbStepReport, type VariantStats, type AbTestOptions } from './metrics/abTest';
export { wilsonInterval, twoProportionZTest, fisherExactTest, sampleSizePerGroup } from './metrics/abStats';
export { verifyRecipient, verificationPolicyAllows, VERDICTS, VERIFICATION_POLICIES, RESERVED_REASON, type Verdict, type VerificationPolicy, type RecipientVerification, type VerifyOptions, type MxCheck } from './deliverability/verify';
export { verifyLeads, getVerification, type VerifyLeadsOptions, type VerifyLeadsTally, type StoredVerification } from './deliverability/verifyLeads';
export { type MailHostResolver } from './deliverability/verifyMailHost';
export { doctor, sendingDomain, DoctorInputError, COMMON_DKIM_SELECTORS, type DoctorReport, type DoctorOptions, type DoctorResolver, type Finding, type Severity, type DoctorCheck } from './deliverability/doctor';
export {
  runPipeline,
  resumePipeline,
  recoverFromCrashes,
  NothingToResumeError,
  STAGES,
  type PipelineOptions,
  type PipelineProgress,
  type PipelineResult,
  type ProgressEvent,
  type RunHooks,
  type Stage,
} from './pipeline/pipeline';

// AI mode (Groq): one client, shared budget, cache, fallbacks. Adapters build a client from settings and pass it on.
export { createGroqClient, askJson, type GroqClient, type JsonRequest, type JsonAnswer, type ChatMessage } from './llm/client';
export {
  GROQ_DEFAULTS,
  groqSettings,
  resolveGroqSettings,
  MissingGroqKeyError,
  GroqSettingsError,
  type GroqSettings,
  type GroqSettingsInput,
  type GroqRunSettings,
} from './llm/settings';
export { DEFAULT_GROQ_MODEL, MODEL_REPLACEMENTS, ModelUnavailableError } from './llm/models';
export { listModels, type GroqModelInfo } from './llm/modelList';
export { LlmDeferredError, GroqAuthError, LlmRequestFailedError, isFatalLlmError } from './llm/errors';
export { BudgetTooSmallError } from './llm/budget';
export { llmUsage, type LlmUsage } from './llm/usage';
export { fallbacksFor, type LlmFallback } from './llm/fallbacks';
export { enrichWithAi, createEnrichSession, type AiEnrichResult, type AiEnrichLead, type EnrichSession } from './enrich/aiEnrich';
export { enrichNewLeadsWithAi, type AiEnrichTally } from './enrich/aiStage';
export { enrichLeadWithAi, type AiEnrichLeadResult } from './enrich/aiEnrichLead';
export { ENRICH_PROMPT_VERSION } from './enrich/aiCompanyPrompt';
export { draftWithAi, type AiDraft, type AiDraftLead, type AiDraftOptions } from './personalize/aiDraft';
export { personalizeEnrichedWithAi, type AiPersonalizeTally } from './personalize/aiStage';
export { personalizeLeadWithAi, type AiPersonalizeLeadResult } from './personalize/aiPersonalizeLead';
export { PERSONALIZE_PROMPT_VERSION } from './personalize/aiCopyPrompt';

export { eraseLead, eraseEmail, clearLeads, EraseError, ERASURE_REASON, type Erasure } from './leads/erase';
export { createLogger, redactUrl, parseLogLevel, LOG_LEVELS, LogLevelError, type LogLevel, type Logger, type LoggerOptions } from './log/logger';
