/**
 * The company's domain, as the stable key of a company: the website's host without "www.", else the email's
 * domain, else ''. Plain string slicing, because `new URL()` costs a microsecond and this runs per lead.
 */

function hostOf(website: string): string {
  let start = website.indexOf('://');
  start = start === -1 ? 0 : start + 3;
  let end = website.length;
  for (let i = start; i < website.length; i++) {
    const c = website.charCodeAt(i);
    // '/', ':', '?', '#' end the host
    if (c === 47 || c === 58 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const host = website.slice(start, end).trim().toLowerCase();
  return host.startsWith('www.') ? host.slice(4) : host;
}

export function companyDomainOf(website: string, email: string): string {
  const host = website ? hostOf(website) : '';
  if (host) return host;
  const at = email.lastIndexOf('@');
  return at === -1 ? '' : email.slice(at + 1).trim().toLowerCase();
}
