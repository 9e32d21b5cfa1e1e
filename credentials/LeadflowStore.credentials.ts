/**
 * Leadflow Store: the PostgreSQL store every n8n worker shares in queue mode, instead of each worker's own SQLite
 * file — so the daily cap, the rate limit, the leads and the unsubscribes are one for all of them. The store lives
 * in its own schema (default `leadflow`), so it can sit in the database n8n itself uses. Tested by a real login
 * through the nodes' `leadflowStoreConnectionTest` (connect, authenticate, look at the schema; nothing is created).
 */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

// A database login, like n8n's own `postgres` credential: not an API, so neither its class, its name nor its title says so.
// eslint-disable-next-line n8n-nodes-base/cred-class-name-unsuffixed
export class LeadflowStore implements ICredentialType {
  // eslint-disable-next-line n8n-nodes-base/cred-class-field-name-unsuffixed
  name = 'leadflowStore';

  // eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
  displayName = 'Leadflow Store (PostgreSQL)';

  icon = { light: 'file:leadflowStore.svg', dark: 'file:leadflowStore.dark.svg' } as const;

  documentationUrl = 'https://github.com/leadflow/n8n-nodes-leadflow#running-in-n8n-queue-mode';

  properties: INodeProperties[] = [
    {
      displayName: 'Host',
      name: 'host',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'postgres.internal',
      description: 'The PostgreSQL server every n8n worker can reach (in queue mode, often the one n8n itself uses)',
    },
    {
      displayName: 'Port',
      name: 'port',
      type: 'number',
      default: 5432,
      description: 'The port PostgreSQL listens on',
    },
    {
      displayName: 'Database',
      name: 'database',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'n8n',
      description: 'The database the store goes in: n8n\'s own (DB_POSTGRESDB_DATABASE) adds no new service',
    },
    {
      displayName: 'User',
      name: 'user',
      type: 'string',
      required: true,
      default: '',
      description: 'A login that may create the schema the first time (CREATE on the database), then read and write in it',
    },
    {
      displayName: 'Password',
      name: 'password',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'The password of the login',
    },
    {
      displayName: 'Schema',
      name: 'schema',
      type: 'string',
      default: 'leadflow',
      description: 'The schema the store\'s tables live in, apart from n8n\'s own; created and brought up to date on first use',
    },
    {
      displayName: 'SSL',
      name: 'ssl',
      type: 'options',
      default: 'disable',
      options: [
        { name: 'Disable', value: 'disable', description: 'A plain connection (a private network)' },
        { name: 'Require', value: 'require', description: "Encrypted, and the server's certificate is checked" },
        { name: 'Allow Self-Signed', value: 'allow-self-signed', description: "Encrypted, but the server's certificate is not checked" },
      ],
      description: 'Whether the connection is encrypted',
    },
  ];
}
