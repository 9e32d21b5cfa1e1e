/**
 * Mailbox providers whose domain says nothing about where a person works. An imported row without a website
 * borrows its company site from the email domain, except from these: "https://www.gmail.com" is nobody's company.
 */

const FREE_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'ymail.com', 'hotmail.com', 'hotmail.co.uk',
  'outlook.com', 'live.com', 'msn.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me',
  'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 't-online.de', 'mail.com', 'yandex.ru',
  'mail.ru', 'qq.com', '163.com', 'zoho.com', 'fastmail.com',
]);

/** True when the domain of this (lowercase) email address is a personal mailbox provider. */
export function isFreeMailDomain(email: string): boolean {
  return FREE_MAIL_DOMAINS.has(email.slice(email.lastIndexOf('@') + 1));
}
