/**
 * Which column of an outside row feeds which lead field. Exports from CRMs, spreadsheets and n8n nodes name the
 * same thing a dozen ways ("E-mail", "Work Email", "email_address"), so columns are matched ignoring case, spaces,
 * underscores, hyphens and dots, against a list of common aliases. An explicit mapping wins over the aliases.
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

/** Aliases in the normalized form of columnKey; earlier aliases win when a row has several. */
const ALIASES: Record<MappableField, readonly string[]> = {
  email: ['email', 'emailaddress', 'workemail', 'businessemail', 'mail'],
  firstName: ['firstname', 'givenname', 'forename', 'fname', 'first'],
  lastName: ['lastname', 'surname', 'familyname', 'lname', 'last'],
  fullName: ['fullname', 'name', 'contactname', 'contact'],
  title: ['title', 'jobtitle', 'position', 'role', 'jobrole'],
  company: ['company', 'companyname', 'organization', 'organisation', 'org', 'accountname', 'account', 'employer'],
  website: ['website', 'companywebsite', 'domain', 'companydomain', 'url', 'companyurl', 'homepage', 'web', 'site'],
  linkedinUrl: ['linkedinurl', 'linkedin', 'linkedinprofile', 'linkedinprofileurl', 'linkedinprofilelink'],
  industry: ['industry', 'sector', 'vertical'],
  country: ['country', 'countryname', 'countrycode'],
  timezone: ['timezone', 'tz', 'zone'],
};

/** "Work E-mail" → "workemail": the form columns are compared in. */
export function columnKey(column: string): string {
  return column.toLowerCase().replace(/[\s_.\-]+/g, '');
}

export type ColumnPlan =
  | { ok: true; columns: Partial<Record<MappableField, string>> }
  | { ok: false; reason: string };

/**
 * Decide once per set of column names where each field comes from. A mapped column the row does not have is an
 * error, not a silent blank: it is almost always a typo in the mapping.
 */
export function planColumns(columns: readonly string[], mapping: FieldMapping = {}): ColumnPlan {
  const byKey = new Map<string, string>();
  for (const column of columns) if (!byKey.has(columnKey(column))) byKey.set(columnKey(column), column);

  const planned: Partial<Record<MappableField, string>> = {};
  for (const field of MAPPABLE_FIELDS) {
    const wanted = mapping[field];
    if (wanted !== undefined && wanted !== '') {
      const column = columns.includes(wanted) ? wanted : byKey.get(columnKey(wanted));
      if (column === undefined) {
        return {
          ok: false,
          reason: `missing_column: the mapping reads ${field} from "${wanted}", but the row has only ${columns.map((c) => `"${c}"`).join(', ')}; fix the mapping`,
        };
      }
      planned[field] = column;
      continue;
    }
    const alias = ALIASES[field].find((key) => byKey.has(key));
    if (alias !== undefined) planned[field] = byKey.get(alias);
  }
  return { ok: true, columns: planned };
}
