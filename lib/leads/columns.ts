/**
 * Which column of an outside row feeds which lead field, and which columns feed none. Exports from CRMs,
 * prospecting tools, spreadsheets and n8n nodes name the same thing a dozen ways ("E-mail", "Work Email",
 * "Person - Email - Work", "Email Address"), so columns are matched ignoring case and everything but letters and
 * digits, against aliases gathered from the usual exports (Apollo, HubSpot, Salesforce, Pipedrive, Lemlist, Sales
 * Navigator tools, LinkedIn's Connections.csv, the original design's own columns). An explicit mapping wins over the
 * aliases. A column that feeds no field is kept with the lead as a custom attribute, and one that looks as if it
 * should have fed a field nobody fills is named in a warning.
 */

export const MAPPABLE_FIELDS = [
  'firstName',
  'lastName',
  'fullName',
  'email',
  'title',
  'company',
  'website',
  'linkedinUrl',
  'industry',
  'country',
  'timezone',
] as const;

/** A lead field that can be read from a column; `fullName` is split into firstName and lastName. */
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

/** Lead field → the source column it comes from, e.g. `{ email: 'Contact E-mail' }`. */
export type FieldMapping = Partial<Record<MappableField, string>>;

/**
 * Aliases in the normalized form of columnKey; earlier aliases win when a row has several. Where an export is the
 * reason for an alias, it is named: "Person Linkedin Url" (Apollo), "Country/Region", "Website URL", "Associated
 * Company" (HubSpot), "Company / Account", "Mailing Country" (Salesforce), "Postal address - Country" (Pipedrive),
 * "Profile URL" (Sales Navigator tools), "role_title" (the original design). German, French and Spanish spellings come from Excel exports in those locales.
 */
const ALIASES: Record<MappableField, readonly string[]> = {
  email: ['email', 'emailaddress', 'workemail', 'businessemail', 'emailwork', 'professionalemail', 'mail', 'emailadresse', 'courriel', 'correo', 'correoelectronico'],
  firstName: ['firstname', 'givenname', 'forename', 'fname', 'first', 'vorname', 'prénom', 'prenom', 'nombre'],
  lastName: ['lastname', 'surname', 'familyname', 'lname', 'last', 'nachname', 'apellido', 'apellidos'],
  fullName: ['fullname', 'name', 'contactname', 'contact', 'displayname'],
  title: ['title', 'jobtitle', 'roletitle', 'position', 'role', 'jobrole', 'jobposition', 'currenttitle', 'currentjobtitle', 'currentposition', 'berufsbezeichnung', 'poste', 'cargo'],
  company: [
    'company', 'companyname', 'organization', 'organisation', 'organizationname', 'org', 'accountname', 'account',
    'companyaccount', 'associatedcompany', 'currentcompany', 'employer', 'firma', 'unternehmen', 'société', 'societe', 'entreprise', 'empresa',
  ],
  website: [
    'website', 'companywebsite', 'websiteurl', 'domain', 'companydomain', 'companydomainname', 'url', 'companyurl',
    'homepage', 'web', 'site', 'organizationwebsite', 'siteweb', 'sitioweb',
  ],
  linkedinUrl: [
    'linkedinurl', 'linkedin', 'linkedinprofile', 'linkedinprofileurl', 'linkedinprofilelink', 'personlinkedinurl',
    'defaultprofileurl', 'profileurl', 'salesnavigatorprofileurl', 'salesnavigatorurl',
  ],
  industry: ['industry', 'companyindustry', 'sector', 'vertical', 'branche', 'secteur', 'industria'],
  country: ['country', 'countryname', 'countrycode', 'countryregion', 'mailingcountry', 'postaladdresscountry', 'addresscountry', 'land', 'pays', 'país', 'pais'],
  timezone: ['timezone', 'tz', 'zone'],
};

/**
 * Words tools put before a field's name ("Person - Job title" in Pipedrive, "Contact Email", "Lead Company"): a
 * column is matched without one when no column matches as written.
 */
const PREFIXES = ['person', 'contact', 'lead', 'prospect'] as const;

/**
 * What a column that should feed a field tends to contain in its name, for the fields an import cannot do well
 * without: such a column left over while its field has none is worth a warning ("Designation" for the title).
 */
const LOOKS_LIKE: Partial<Record<MappableField, { stems: readonly string[]; what: string; rename: string }>> = {
  email: { stems: ['mail'], what: 'an email address', rename: 'Email' },
  title: { stems: ['title', 'position', 'role', 'designation', 'function', 'job', 'occupation'], what: 'a job title', rename: 'Title' },
  company: { stems: ['company', 'organi', 'employer', 'account', 'firm', 'business'], what: 'a company name', rename: 'Company' },
  firstName: { stems: ['name'], what: 'a name', rename: 'First Name' },
  website: { stems: ['website', 'domain', 'homepage'], what: 'a website', rename: 'Website' },
};

/** "Work E-mail" → "workemail", "Country/Region" → "countryregion": the form columns are compared in. */
export function columnKey(column: string): string {
  return column.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export type ColumnPlan =
  | {
      ok: true;
      columns: Partial<Record<MappableField, string>>;
      /** The columns no field reads, in the row's order: kept with each lead as custom attributes. */
      attributes: string[];
    }
  | { ok: false; reason: string };

/**
 * Decide once per set of column names where each field comes from. A mapped column the row does not have is an
 * error, not a silent blank: it is almost always a typo in the mapping.
 */
export function planColumns(columns: readonly string[], mapping: FieldMapping = {}): ColumnPlan {
  const byKey = keyIndex(columns);
  const planned: Partial<Record<MappableField, string>> = {};
  const taken = new Set<string>();
  // Explicit mappings first, so an alias never takes a column the user named for another field.
  for (const field of MAPPABLE_FIELDS) {
    const wanted = mapping[field];
    if (wanted === undefined || wanted === '') continue;
    const column = columns.includes(wanted) ? wanted : byKey.get(columnKey(wanted));
    if (column === undefined) {
      return {
        ok: false,
        reason: `missing_column: the mapping reads ${field} from "${wanted}", but the row has only ${columns.map((c) => `"${c}"`).join(', ')}; fix the mapping`,
      };
    }
    planned[field] = column;
    taken.add(column);
  }
  for (const field of MAPPABLE_FIELDS) {
    if (planned[field] !== undefined) continue;
    const column = aliasColumn(field, byKey, taken);
    if (column !== undefined) {
      planned[field] = column;
      taken.add(column);
    }
  }
  return { ok: true, columns: planned, attributes: columns.filter((c) => !taken.has(c)) };
}

/**
 * How many of these cells name a column the importer reads (by alias, or as named in the mapping): how a header row
 * is told from the lines a tool writes above it, and from data rows.
 */
export function recognizedColumns(cells: readonly string[], mapping: FieldMapping = {}): number {
  const byKey = keyIndex(cells);
  const wanted = new Set(Object.values(mapping).filter((c) => c).map((c) => columnKey(c)));
  let n = 0;
  const taken = new Set<string>();
  for (const field of MAPPABLE_FIELDS) {
    const column = aliasColumn(field, byKey, taken);
    if (column !== undefined) taken.add(column);
  }
  for (const cell of cells) if (taken.has(cell) || wanted.has(columnKey(cell))) n++;
  return n;
}

/**
 * Sentences about columns that look as if they should feed a field that no column feeds — "Designation" when
 * there is no title — so a user sees a field went empty for want of a name, not for want of data.
 */
export function columnWarnings(columns: Partial<Record<MappableField, string>>, attributes: readonly string[]): string[] {
  const warnings: string[] = [];
  const warned = new Set<string>();
  for (const [field, look] of Object.entries(LOOKS_LIKE) as [MappableField, NonNullable<(typeof LOOKS_LIKE)[MappableField]>][]) {
    if (columns[field] !== undefined) continue;
    if (field === 'firstName' && columns.fullName !== undefined) continue;
    for (const column of attributes) {
      const key = columnKey(column);
      if (warned.has(column) || !look.stems.some((stem) => key.includes(stem))) continue;
      warned.add(column);
      warnings.push(
        `"${column}" looks like ${look.what}, but no column was read as ${field}: it was kept as an attribute; ` +
          `map it to ${field} or rename the column "${look.rename}" to use it`,
      );
    }
  }
  if (columns.email === undefined && !warnings.some((w) => w.includes('as email'))) {
    warnings.push('no column was read as the email address, which every lead needs: name that column "Email" or map it to email');
  }
  return warnings;
}

function keyIndex(columns: readonly string[]): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const column of columns) {
    const key = columnKey(column);
    if (!byKey.has(key)) byKey.set(key, column);
  }
  return byKey;
}

/** The column an alias finds for `field` among those not taken: as written first, then without a tool's prefix. */
function aliasColumn(field: MappableField, byKey: ReadonlyMap<string, string>, taken: ReadonlySet<string>): string | undefined {
  for (const alias of ALIASES[field]) {
    const column = byKey.get(alias);
    if (column !== undefined && !taken.has(column)) return column;
  }
  for (const alias of ALIASES[field]) {
    for (const prefix of PREFIXES) {
      const column = byKey.get(prefix + alias);
      if (column !== undefined && !taken.has(column)) return column;
    }
  }
  return undefined;
}
