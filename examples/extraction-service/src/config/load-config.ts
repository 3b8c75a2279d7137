import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ExtractionServiceError } from '../errors.js';

/** The settings of a MESH connection, with certificate files already read. */
export interface MeshConnectionConfig {
  /** Base URL, e.g. `https://msg.intspineservices.nhs.uk` (Path to Live INT). */
  readonly url: string;
  /** This system's mailbox id, upper case. */
  readonly mailboxId: string;
  readonly password: string;
  readonly sharedKey: string;
  /** Mutual TLS material (PEM text). Required by every NHS MESH environment; optional on loopback only. */
  readonly tls?: {
    readonly cert: string;
    readonly key: string;
    readonly passphrase?: string;
    readonly ca?: string;
  };
}

/** Everything the extraction service needs to run against a MESH environment. */
export interface ServiceConfig {
  readonly mesh: MeshConnectionConfig;
  /** The GPES (GPDC) mailbox that receives RTPRs, Query Results, notification responses and reports. */
  readonly gpesMailboxId: string;
  /** Directory for the durable state and spooled messages. @default `./gpes-state` */
  readonly stateDir: string;
  /** Inbox polling interval. MESH asks for at most one poll every five minutes. @default 300000 */
  readonly pollIntervalMs: number;
  /** Query identifier (six hex digits of the SQI) → path of the locally held specification XML. */
  readonly specs: Readonly<Record<string, string>>;
  /** GPSoC system identifier written in notification responses and Query Results. @default `000.000.000.000` */
  readonly gpSystemIdentifier: string;
  /** Supplier name written in the report CSV. @default `EXAMPLE` */
  readonly supplier: string;
}

/** The shape of the optional JSON config file (`GPES_CONFIG_FILE`); every key can be overridden by its variable. */
export interface ServiceConfigFile {
  mesh?: {
    url?: string;
    mailboxId?: string;
    password?: string;
    sharedKey?: string;
    clientCert?: string;
    clientKey?: string;
    clientKeyPassphrase?: string;
    caCert?: string;
  };
  gpesMailboxId?: string;
  stateDir?: string;
  pollIntervalSeconds?: number;
  specs?: Record<string, string>;
  gpSystemIdentifier?: string;
  supplier?: string;
}

/** The environment variables read by {@link loadConfig}, each overriding the config file. */
export const CONFIG_VARIABLES = {
  configFile: 'GPES_CONFIG_FILE',
  url: 'MESH_URL',
  mailboxId: 'MESH_MAILBOX_ID',
  password: 'MESH_PASSWORD',
  sharedKey: 'MESH_SHARED_KEY',
  clientCert: 'MESH_CLIENT_CERT',
  clientKey: 'MESH_CLIENT_KEY',
  clientKeyPassphrase: 'MESH_CLIENT_KEY_PASSPHRASE',
  caCert: 'MESH_CA_CERT',
  gpesMailboxId: 'GPES_MAILBOX_ID',
  stateDir: 'GPES_STATE_DIR',
  pollIntervalSeconds: 'GPES_POLL_INTERVAL_SECONDS',
  specs: 'GPES_SPECS',
  gpSystemIdentifier: 'GPES_SYSTEM_IDENTIFIER',
  supplier: 'GPES_SUPPLIER',
} as const;

const MAILBOX = /^[A-Za-z0-9]{1,20}$/;
const QUERY_ID = /^[0-9A-F]{6}$/;
const GPSOC = /^[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}$/;
const MIN_POLL_SECONDS = 300;

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
}

/**
 * Reads the service configuration from environment variables and, if `GPES_CONFIG_FILE` names one, a JSON file
 * (variables win). Certificate paths are read here so that a missing file is reported at start-up.
 * Problems are collected and reported together; no message contains a password, key or certificate.
 *
 * @param env - the environment, usually `process.env`.
 * @param cwd - base for relative paths given in variables. @default process.cwd()
 * @throws ExtractionServiceError `CONFIG_INVALID` listing every problem in `problems`.
 */
export async function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): Promise<ServiceConfig> {
  const problems: string[] = [];
  let file: ServiceConfigFile = {};
  let fileBase = cwd;
  const configPath = env[CONFIG_VARIABLES.configFile];
  if (configPath) {
    const absolute = resolve(cwd, configPath);
    fileBase = dirname(absolute);
    try {
      const parsed: unknown = JSON.parse(await readFile(absolute, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`${CONFIG_VARIABLES.configFile}: the file must hold a JSON object`);
      } else {
        file = parsed as ServiceConfigFile;
      }
    } catch (error) {
      problems.push(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `${CONFIG_VARIABLES.configFile}: file not found (${absolute})`
          : `${CONFIG_VARIABLES.configFile}: the file is not valid JSON`,
      );
    }
  }

  const fromEnv = (key: keyof typeof CONFIG_VARIABLES): string | undefined => {
    const value = env[CONFIG_VARIABLES[key]];
    return value === undefined || value === '' ? undefined : value;
  };
  // A path from a variable is relative to the working directory; one from the file, to the file.
  const pathSetting = (
    key: keyof typeof CONFIG_VARIABLES,
    fromFile: string | undefined,
  ): string | undefined => {
    const value = fromEnv(key);
    if (value !== undefined) return resolve(cwd, value);
    if (fromFile === undefined) return undefined;
    return isAbsolute(fromFile) ? fromFile : resolve(fileBase, fromFile);
  };
  const required = (
    key: keyof typeof CONFIG_VARIABLES,
    fromFile: string | undefined,
    label: string,
  ): string => {
    const value = fromEnv(key) ?? fromFile;
    if (value === undefined || value === '') {
      problems.push(`${CONFIG_VARIABLES[key]}: ${label} is required`);
      return '';
    }
    return value;
  };

  const url = required('url', file.mesh?.url, 'the MESH base URL');
  let loopback = false;
  if (url) {
    try {
      const parsed = new URL(url);
      loopback = isLoopback(parsed.hostname);
      if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
        problems.push(`${CONFIG_VARIABLES.url}: must be https (plain http is allowed on loopback only)`);
      }
    } catch {
      problems.push(`${CONFIG_VARIABLES.url}: not a valid URL`);
    }
  }
  const mailboxId = required('mailboxId', file.mesh?.mailboxId, 'this system’s mailbox id');
  if (mailboxId && !MAILBOX.test(mailboxId)) problems.push(`${CONFIG_VARIABLES.mailboxId}: not a mailbox id`);
  const password = required('password', file.mesh?.password, 'the mailbox password');
  const sharedKey = required('sharedKey', file.mesh?.sharedKey, 'the environment’s shared key');
  const gpesMailboxId = required('gpesMailboxId', file.gpesMailboxId, 'the GPES mailbox id');
  if (gpesMailboxId && !MAILBOX.test(gpesMailboxId)) {
    problems.push(`${CONFIG_VARIABLES.gpesMailboxId}: not a mailbox id`);
  }

  const certPath = pathSetting('clientCert', file.mesh?.clientCert);
  const keyPath = pathSetting('clientKey', file.mesh?.clientKey);
  const caPath = pathSetting('caCert', file.mesh?.caCert);
  const passphrase = fromEnv('clientKeyPassphrase') ?? file.mesh?.clientKeyPassphrase;
  const readPem = async (key: keyof typeof CONFIG_VARIABLES, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return await readFile(path, 'utf8');
    } catch {
      problems.push(`${CONFIG_VARIABLES[key]}: cannot read ${path}`);
      return undefined;
    }
  };
  const [cert, key, ca] = await Promise.all([
    readPem('clientCert', certPath),
    readPem('clientKey', keyPath),
    readPem('caCert', caPath),
  ]);
  if ((certPath === undefined) !== (keyPath === undefined)) {
    problems.push(`${CONFIG_VARIABLES.clientCert} and ${CONFIG_VARIABLES.clientKey} must be given together`);
  } else if (certPath === undefined && url && !loopback) {
    problems.push(
      `${CONFIG_VARIABLES.clientCert}/${CONFIG_VARIABLES.clientKey}: every NHS MESH environment requires a client certificate`,
    );
  }

  const pollText = fromEnv('pollIntervalSeconds');
  const pollSeconds =
    pollText === undefined ? (file.pollIntervalSeconds ?? MIN_POLL_SECONDS) : Number(pollText);
  if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) {
    problems.push(`${CONFIG_VARIABLES.pollIntervalSeconds}: must be a positive number of seconds`);
  } else if (pollSeconds < MIN_POLL_SECONDS && !loopback) {
    problems.push(
      `${CONFIG_VARIABLES.pollIntervalSeconds}: MESH allows at most one poll every 5 minutes (300 s)`,
    );
  }

  let specs: Record<string, string> = {};
  const specsText = fromEnv('specs');
  if (specsText !== undefined) {
    try {
      const parsed: unknown = JSON.parse(specsText);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      specs = Object.fromEntries(
        Object.entries(parsed as Record<string, unknown>).map(([id, path]) => [
          id,
          resolve(cwd, String(path)),
        ]),
      );
    } catch {
      problems.push(`${CONFIG_VARIABLES.specs}: must be a JSON object of query id → specification path`);
    }
  } else if (file.specs) {
    specs = Object.fromEntries(
      Object.entries(file.specs).map(([id, path]) => [id, isAbsolute(path) ? path : resolve(fileBase, path)]),
    );
  }
  for (const id of Object.keys(specs)) {
    if (!QUERY_ID.test(id))
      problems.push(`${CONFIG_VARIABLES.specs}: '${id}' is not a six-hex-digit query identifier`);
  }

  const gpSystemIdentifier = fromEnv('gpSystemIdentifier') ?? file.gpSystemIdentifier ?? '000.000.000.000';
  if (!GPSOC.test(gpSystemIdentifier)) {
    problems.push(
      `${CONFIG_VARIABLES.gpSystemIdentifier}: must look like xxx.xxx.xxx.xxx (GPSoC identifier)`,
    );
  }

  if (problems.length > 0) {
    throw new ExtractionServiceError(
      'CONFIG_INVALID',
      `Invalid configuration:\n  - ${problems.join('\n  - ')}`,
      {
        problems,
      },
    );
  }
  return {
    mesh: {
      url: url.replace(/\/+$/, ''),
      mailboxId: mailboxId.toUpperCase(),
      password,
      sharedKey,
      ...(cert !== undefined && key !== undefined
        ? {
            tls: {
              cert,
              key,
              ...(passphrase !== undefined ? { passphrase } : {}),
              ...(ca !== undefined ? { ca } : {}),
            },
          }
        : {}),
    },
    gpesMailboxId: gpesMailboxId.toUpperCase(),
    stateDir: pathSetting('stateDir', file.stateDir) ?? resolve(cwd, 'gpes-state'),
    pollIntervalMs: Math.round(pollSeconds * 1000),
    specs,
    gpSystemIdentifier,
    supplier: fromEnv('supplier') ?? file.supplier ?? 'EXAMPLE',
  };
}
