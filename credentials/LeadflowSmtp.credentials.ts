/**
 * Leadflow SMTP: the mailbox live outreach is sent from, and what every live email from it must carry (the signed
 * one-click unsubscribe link and the postal address) — kept here, with the secrets, as n8n keeps account settings in
 * credentials. Tested by a real connection (connect, TLS, log in, hang
 * up; nothing is sent) through the Send Outreach node's `leadflowSmtpConnectionTest`, as n8n's Send Email node does.
 */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class LeadflowSmtp implements ICredentialType {
  name = 'leadflowSmtp';

  displayName = 'Leadflow SMTP';

  icon = { light: 'file:leadflowSmtp.svg', dark: 'file:leadflowSmtp.dark.svg' } as const;

  documentationUrl = 'https://github.com/leadflow/n8n-nodes-leadflow#sending-for-real';

  properties: INodeProperties[] = [
    {
      displayName: 'Host',
      name: 'host',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'smtp.example.com',
      description: "Your mail provider's SMTP server (e.g. smtp.gmail.com, smtp.office365.com)",
    },
    {
      displayName: 'Port',
      name: 'port',
      type: 'number',
      default: 587,
      description: '587 for STARTTLS (usual), 465 for TLS from the start',
    },
    {
      displayName: 'SSL/TLS',
      name: 'secure',
      type: 'boolean',
      default: false,
      description: 'Whether to use TLS from the first byte (port 465). Off: plain connection upgraded with STARTTLS when the server offers it.',
    },
    {
      displayName: 'Disable STARTTLS',
      name: 'disableStartTls',
      type: 'boolean',
      default: false,
      description: 'Whether to stay on a plain connection even when the server offers STARTTLS (a server whose STARTTLS is broken; the password then travels unencrypted)',
      displayOptions: { show: { secure: [false] } },
    },
    {
      displayName: 'Client Host Name',
      name: 'hostName',
      type: 'string',
      default: '',
      placeholder: 'mailer.yourcompany.com',
      description: "The name this client greets the server with (EHLO). Empty: this machine's host name. Some servers want one that resolves to the sending host.",
    },
    {
      displayName: 'User',
      name: 'user',
      type: 'string',
      default: '',
      placeholder: 'alex@yourcompany.com',
      description: 'The login of the mailbox, often its full address. Empty: send without logging in (a relay that trusts this host).',
    },
    {
      displayName: 'Password',
      name: 'password',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'The password of the login, or an app password where the provider requires one (Gmail, Microsoft 365 with MFA)',
    },
    {
      displayName: 'From Name',
      name: 'fromName',
      type: 'string',
      default: '',
      placeholder: 'Alex Smith',
      description: "Shown as the sender, and signs live emails drafted with the default sender name. Empty: the From Email's local part.",
    },
    {
      displayName: 'From Email',
      name: 'fromEmail',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'alex@yourcompany.com',
      description: 'The mailbox outreach is sent from; replies come back here',
    },
    {
      displayName: 'Unsubscribe URL',
      name: 'unsubscribeUrl',
      type: 'string',
      default: '',
      placeholder: 'https://n8n.yourcompany.com/webhook/leadflow-unsubscribe',
      description: 'Public URL of the one-click unsubscribe endpoint every live email links to (the bundled unsubscribe webhook, or the status page\'s /unsubscribe). Empty: the node\'s Unsubscribe Base URL, else $LEADFLOW_UNSUBSCRIBE_URL.',
    },
    {
      displayName: 'Unsubscribe Secret',
      name: 'unsubscribeSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'Signs the unsubscribe links (at least 16 characters, e.g. `openssl rand -hex 32`); the endpoint that receives them needs the same secret. Empty: $LEADFLOW_SECRET.',
    },
    {
      displayName: 'Postal Address',
      name: 'postalAddress',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'Your Co, 1 Main St, Springfield',
      description: "The sender's postal address, required in every commercial email's footer (CAN-SPAM). When set, it is used instead of the Send Outreach node's Postal Address.",
    },
    {
      displayName: 'Unsubscribe Mailbox',
      name: 'unsubscribeMailto',
      type: 'string',
      default: '',
      placeholder: 'unsubscribe@yourcompany.com',
      description: 'Optional: also offer unsubscribing by email (a mailto: in List-Unsubscribe)',
    },
    {
      displayName: 'Allow Self-Signed Certificates',
      name: 'allowSelfSigned',
      type: 'boolean',
      default: false,
      description: 'Whether to accept a server certificate no authority signed (a local test server only)',
    },
  ];
}
