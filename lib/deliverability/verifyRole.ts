/**
 * Role accounts: addresses that reach a function or a team rather than one person (info@, sales@, noreply@…).
 * They often exist, but cold email to them is read by nobody in particular, is more often reported as spam, and
 * some are distribution lists — so they are "risky", not "undeliverable".
 */
const ROLE_LOCAL_PARTS = new Set([
  'abuse', 'accounts', 'accounting', 'admin', 'administrator', 'all', 'billing', 'careers', 'contact', 'customerservice',
  'dev', 'devnull', 'enquiries', 'enquiry', 'everyone', 'feedback', 'finance', 'hello', 'help', 'helpdesk', 'hostmaster',
  'hr', 'info', 'inquiries', 'inquiry', 'investors', 'it', 'jobs', 'legal', 'mail', 'mailer-daemon', 'marketing',
  'media', 'news', 'newsletter', 'no-reply', 'noc', 'noreply', 'do-not-reply', 'donotreply', 'office', 'orders',
  'postmaster', 'press', 'privacy', 'recruiting', 'root', 'sales', 'security', 'service', 'staff', 'support', 'team',
  'webmaster',
]);

/** True for a role local part, also with a tag or a team suffix: "sales+eu@", "support.team@". */
export function isRoleAccount(email: string): boolean {
  const local = email.slice(0, email.lastIndexOf('@')).toLowerCase().split('+')[0];
  if (ROLE_LOCAL_PARTS.has(local)) return true;
  const teamed = /^([a-z-]+)[._-](?:team|desk|dept|inbox)$/.exec(local);
  return teamed !== null && ROLE_LOCAL_PARTS.has(teamed[1]);
}
