import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  isMeshError,
  MESH_ENV_VARIABLES,
  type MeshClientOptions,
  meshClientOptionsFromEnv,
} from '@gpes/mesh-client';
import { CliError } from './errors.js';
import { VERSION } from './version.js';

/**
 * Connection flags of `gpes mailbox`. Secrets have no flag of their own: they come from the environment
 * (`MESH_PASSWORD`, `MESH_SHARED_KEY`, or `*_FILE`), the config file, or the `--*-file` flags naming a file.
 */
export interface ConnectionFlags {
  config?: string;
  url?: string;
  mailbox?: string;
  passwordFile?: string;
  sharedKeyFile?: string;
  clientCert?: string;
  clientKey?: string;
  caCert?: string;
  proxy?: string;
}

/** The MESH part of the config file the reference extraction service reads (`GPES_CONFIG_FILE`). */
const FILE_MESH_KEYS = {
  url: MESH_ENV_VARIABLES.baseUrl,
  mailboxId: MESH_ENV_VARIABLES.mailboxId,
  password: MESH_ENV_VARIABLES.mailboxPassword,
  sharedKey: MESH_ENV_VARIABLES.sharedKey,
  clientCert: MESH_ENV_VARIABLES.clientCert,
  clientKey: MESH_ENV_VARIABLES.clientKey,
  clientKeyPassphrase: MESH_ENV_VARIABLES.clientKeyPassphrase,
  caCert: MESH_ENV_VARIABLES.caCert,
} as const;
const FILE_PATH_KEYS = new Set(['clientCert', 'clientKey', 'caCert']);
/** Top-level keys of the service's file: the CLI reads `mesh` and `gpesMailboxId`, and accepts the others. */
const FILE_TOP_KEYS = new Set([
  'mesh',
  'gpesMailboxId',
  'stateDir',
  'pollIntervalSeconds',
  'specs',
  'gpSystemIdentifier',
  'supplier',
]);

export const CONFIG_FILE_VARIABLE = 'GPES_CONFIG_FILE';
export const GPES_MAILBOX_VARIABLE = 'GPES_MAILBOX_ID';

const FLAG_VARIABLES: Record<keyof Omit<ConnectionFlags, 'config'>, string> = {
  url: MESH_ENV_VARIABLES.baseUrl,
  mailbox: MESH_ENV_VARIABLES.mailboxId,
  passwordFile: `${MESH_ENV_VARIABLES.mailboxPassword}_FILE`,
  sharedKeyFile: `${MESH_ENV_VARIABLES.sharedKey}_FILE`,
  clientCert: MESH_ENV_VARIABLES.clientCert,
  clientKey: MESH_ENV_VARIABLES.clientKey,
  caCert: MESH_ENV_VARIABLES.caCert,
  proxy: MESH_ENV_VARIABLES.proxy,
};
const FLAG_NAMES: Record<keyof Omit<ConnectionFlags, 'config'>, string> = {
  url: '--url',
  mailbox: '--mailbox',
  passwordFile: '--password-file',
  sharedKeyFile: '--shared-key-file',
  clientCert: '--client-cert',
  clientKey: '--client-key',
  caCert: '--ca-cert',
  proxy: '--proxy',
};

/** A resolved MESH configuration; `sources` says where each setting came from (for `mailbox check`). */
export interface MeshConfig {
  readonly options: MeshClientOptions;
  /** The GPES mailbox (`GPES_MAILBOX_ID` or the file's `gpesMailboxId`): the default recipient of `send`. */
  readonly gpesMailboxId?: string;
  readonly configFile?: string;
  readonly sources: Readonly<Record<string, string>>;
}

/** The variable a setting is known by, with or without `_FILE`. */
const base = (variable: string) => variable.replace(/_FILE$/, '');

/**
 * Reads the MESH configuration: flags win over environment variables, which win over the config file. Every
 * problem is listed at once, named by variable and source; no message contains a secret.
 * @throws {CliError} `CONFIG_INVALID` with `problems`.
 */
export function resolveMeshConfig(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): MeshConfig {
  const problems: string[] = [];
  const vars: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const set = (variable: string, value: string, source: string) => {
    // A secret given one way replaces the other (MESH_PASSWORD replaces MESH_PASSWORD_FILE and back).
    delete vars[base(variable)];
    delete vars[`${base(variable)}_FILE`];
    vars[variable] = value;
    sources[base(variable)] = source;
  };
  const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

  let gpesMailboxId: string | undefined;
  const configPath = flags.config ?? nonEmpty(env[CONFIG_FILE_VARIABLE]);
  let configFile: string | undefined;
  if (configPath !== undefined) {
    configFile = resolve(cwd, configPath);
    const label = flags.config !== undefined ? '--config' : CONFIG_FILE_VARIABLE;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (error) {
      problems.push(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `${label}: file not found (${configFile})`
          : (error as NodeJS.ErrnoException).code !== undefined
            ? `${label}: cannot read ${configFile}`
            : `${label}: ${configFile} is not valid JSON`,
      );
    }
    if (parsed !== undefined) {
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`${label}: the file must hold a JSON object`);
      } else {
        const file = parsed as Record<string, unknown>;
        for (const key of Object.keys(file)) {
          if (!FILE_TOP_KEYS.has(key)) problems.push(`config file: unknown key "${key}"`);
        }
        if (file.gpesMailboxId !== undefined) {
          if (typeof file.gpesMailboxId === 'string') gpesMailboxId = file.gpesMailboxId;
          else problems.push('config file: gpesMailboxId must be a string');
        }
        const mesh = file.mesh;
        if (mesh !== undefined && (typeof mesh !== 'object' || mesh === null || Array.isArray(mesh))) {
          problems.push('config file: mesh must be an object');
        } else if (mesh) {
          for (const [key, value] of Object.entries(mesh)) {
            const variable = FILE_MESH_KEYS[key as keyof typeof FILE_MESH_KEYS];
            if (variable === undefined) {
              problems.push(`config file: unknown key "mesh.${key}"`);
            } else if (typeof value !== 'string') {
              problems.push(`config file: mesh.${key} must be a string`);
            } else if (value !== '') {
              // Paths in the file are relative to the file, as the extraction service reads them.
              const v =
                FILE_PATH_KEYS.has(key) && !isAbsolute(value) ? resolve(dirname(configFile), value) : value;
              set(variable, v, `config file mesh.${key}`);
            }
          }
        }
      }
    }
  }

  const envGpes = nonEmpty(env[GPES_MAILBOX_VARIABLE]);
  if (envGpes !== undefined) gpesMailboxId = envGpes;
  const pathVariables = new Set<string>([
    MESH_ENV_VARIABLES.clientCert,
    MESH_ENV_VARIABLES.clientKey,
    MESH_ENV_VARIABLES.caCert,
  ]);
  for (const variable of Object.values(MESH_ENV_VARIABLES)) {
    for (const name of [variable, `${variable}_FILE`]) {
      const value = nonEmpty(env[name]);
      if (value === undefined) continue;
      const isPath = pathVariables.has(name) || name.endsWith('_FILE');
      set(name, isPath ? resolve(cwd, value) : value, `environment ${name}`);
    }
  }
  for (const [key, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = flags[key as keyof typeof FLAG_VARIABLES];
    if (value === undefined) continue;
    const isPath = pathVariables.has(variable) || variable.endsWith('_FILE');
    set(variable, isPath ? resolve(cwd, value) : value, FLAG_NAMES[key as keyof typeof FLAG_NAMES]);
  }

  let options: MeshClientOptions | undefined;
  try {
    options = meshClientOptionsFromEnv(vars);
  } catch (error) {
    if (!isMeshError(error) || !error.issues) throw error;
    const paths = new Set(error.issues.map((i) => i.path));
    for (const issue of error.issues) {
      // A secret file that cannot be read is reported once, not again as a missing secret.
      if (paths.has(`${issue.path}_FILE`)) continue;
      const source = sources[base(issue.path)];
      problems.push(
        `${issue.path}${source && !source.endsWith(issue.path) ? ` (${source})` : ''}: ${issue.message}`,
      );
    }
  }
  if (gpesMailboxId !== undefined && !/^[A-Za-z0-9]{1,20}$/.test(gpesMailboxId)) {
    problems.push(`${GPES_MAILBOX_VARIABLE}: not a mailbox id`);
  }
  if (problems.length > 0 || options === undefined) {
    throw new CliError('CONFIG_INVALID', 'the MESH configuration is not valid', {
      problems,
      hints: [
        'Set MESH_URL, MESH_MAILBOX_ID, MESH_PASSWORD (or MESH_PASSWORD_FILE) and MESH_SHARED_KEY (or MESH_SHARED_KEY_FILE),',
        'or name the extraction service config file with --config or GPES_CONFIG_FILE. See `gpes mailbox --help`.',
      ],
    });
  }
  return {
    options: { ...options, applicationName: `gpes-cli;${VERSION}` },
    ...(gpesMailboxId !== undefined && { gpesMailboxId: gpesMailboxId.toUpperCase() }),
    ...(configFile !== undefined && { configFile }),
    sources,
  };
}
