import { readFileSync } from 'node:fs';
import { isMeshError, type MeshOptionIssue } from './errors.js';
import { type MeshClientOptions, type MeshTlsOptions, optionsError, resolveOptions } from './options.js';

/**
 * The environment variables read by {@link meshClientOptionsFromEnv}: the names the reference extraction
 * service uses. A secret may instead be given as a file with the `_FILE` variable (container secrets).
 */
export const MESH_ENV_VARIABLES = {
  /** `baseUrl`, e.g. `https://msg.intspineservices.nhs.uk`. Required. */
  baseUrl: 'MESH_URL',
  /** `mailboxId`. Required. */
  mailboxId: 'MESH_MAILBOX_ID',
  /** `mailboxPassword` (or `MESH_PASSWORD_FILE`). Required. */
  mailboxPassword: 'MESH_PASSWORD',
  /** `sharedKey` (or `MESH_SHARED_KEY_FILE`). Required. */
  sharedKey: 'MESH_SHARED_KEY',
  /** Path of the client certificate (PEM) → `tls.cert`. With `MESH_CLIENT_KEY`. */
  clientCert: 'MESH_CLIENT_CERT',
  /** Path of the client private key (PEM) → `tls.key`. With `MESH_CLIENT_CERT`. */
  clientKey: 'MESH_CLIENT_KEY',
  /** Passphrase of the private key (or `MESH_CLIENT_KEY_PASSPHRASE_FILE`) → `tls.passphrase`. */
  clientKeyPassphrase: 'MESH_CLIENT_KEY_PASSPHRASE',
  /** Path of the CA bundle (PEM) → `tls.ca`. */
  caCert: 'MESH_CA_CERT',
  /** `proxy`, e.g. `http://proxy.example:3128`. */
  proxy: 'MESH_PROXY',
  /** `allowInsecureHttp`: `true` to allow plain http to a host that is not loopback. */
  allowInsecureHttp: 'MESH_ALLOW_INSECURE_HTTP',
} as const;

const SECRET_FILE_SUFFIX = '_FILE';

/** Which variable an option path came from, for issues found by the option validation. */
const VARIABLE_OF_PATH: Record<string, string> = {
  baseUrl: MESH_ENV_VARIABLES.baseUrl,
  mailboxId: MESH_ENV_VARIABLES.mailboxId,
  mailboxPassword: MESH_ENV_VARIABLES.mailboxPassword,
  sharedKey: MESH_ENV_VARIABLES.sharedKey,
  'tls.cert': MESH_ENV_VARIABLES.clientCert,
  'tls.key': MESH_ENV_VARIABLES.clientKey,
  'tls.passphrase': MESH_ENV_VARIABLES.clientKeyPassphrase,
  'tls.ca': MESH_ENV_VARIABLES.caCert,
  proxy: MESH_ENV_VARIABLES.proxy,
  allowInsecureHttp: MESH_ENV_VARIABLES.allowInsecureHttp,
};

/**
 * Builds {@link MeshClientOptions} from environment variables (see {@link MESH_ENV_VARIABLES}), reading the
 * certificate, key and CA files they name and any `*_FILE` secrets. Every problem is collected and reported at
 * once with the variable it concerns; no message contains a password, key, passphrase or certificate.
 *
 * Merge the result with options the environment does not carry (logger, hooks, timeouts):
 * `new MeshClient({ ...meshClientOptionsFromEnv(), applicationName: 'my-system;1.0' })`.
 *
 * @param env The environment. @default process.env
 * @returns Options that pass the client's validation.
 * @throws {MeshError} `INVALID_ARGUMENT` with `issues` (`path` is the variable name) listing every problem.
 */
export function meshClientOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): MeshClientOptions {
  const issues: MeshOptionIssue[] = [];
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const readText = (variable: string, path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      issues.push({
        path: variable,
        message: `cannot read the file it names (${code === 'ENOENT' ? 'not found' : (code ?? 'error')}: ${path})`,
      });
      return undefined;
    }
  };
  /** A secret from the variable itself or from the file `<NAME>_FILE` names (trailing newline removed). */
  const secret = (name: string, required: boolean): string | undefined => {
    const direct = value(name);
    const fileName = `${name}${SECRET_FILE_SUFFIX}`;
    const file = value(fileName);
    if (direct !== undefined && file !== undefined) {
      issues.push({ path: name, message: `set either ${name} or ${fileName}, not both` });
      return undefined;
    }
    if (file !== undefined) return readText(fileName, file)?.replace(/\r?\n$/, '');
    if (direct === undefined && required) {
      issues.push({ path: name, message: `is required (or ${fileName})` });
    }
    return direct;
  };
  const required = (name: string): string | undefined => {
    const v = value(name);
    if (v === undefined) issues.push({ path: name, message: 'is required' });
    return v;
  };

  const V = MESH_ENV_VARIABLES;
  const baseUrl = required(V.baseUrl);
  const mailboxId = required(V.mailboxId);
  const mailboxPassword = secret(V.mailboxPassword, true);
  const sharedKey = secret(V.sharedKey, true);
  const passphrase = secret(V.clientKeyPassphrase, false);
  const certPath = value(V.clientCert);
  const keyPath = value(V.clientKey);
  const caPath = value(V.caCert);
  if ((certPath === undefined) !== (keyPath === undefined)) {
    issues.push({
      path: certPath === undefined ? V.clientCert : V.clientKey,
      message: `${V.clientCert} and ${V.clientKey} must be given together`,
    });
  }
  const cert = certPath === undefined ? undefined : readText(V.clientCert, certPath);
  const key = keyPath === undefined ? undefined : readText(V.clientKey, keyPath);
  const ca = caPath === undefined ? undefined : readText(V.caCert, caPath);
  const insecureText = value(V.allowInsecureHttp);
  let allowInsecureHttp: boolean | undefined;
  if (insecureText !== undefined) {
    const lower = insecureText.trim().toLowerCase();
    if (lower === 'true' || lower === '1' || lower === 'yes') allowInsecureHttp = true;
    else if (lower === 'false' || lower === '0' || lower === 'no') allowInsecureHttp = false;
    else issues.push({ path: V.allowInsecureHttp, message: 'must be true or false' });
  }

  const tls: MeshTlsOptions = {
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(passphrase !== undefined && { passphrase }),
    ...(ca !== undefined && { ca }),
  };
  const proxy = value(V.proxy);
  const options: MeshClientOptions = {
    baseUrl: baseUrl ?? '',
    mailboxId: mailboxId ?? '',
    mailboxPassword: mailboxPassword ?? '',
    sharedKey: sharedKey ?? '',
    ...(Object.keys(tls).length > 0 && { tls }),
    ...(proxy !== undefined && { proxy }),
    ...(allowInsecureHttp !== undefined && { allowInsecureHttp }),
  };
  // The client's own validation (https rule, mailbox syntax, …), reported against the variables.
  try {
    resolveOptions(options);
  } catch (error) {
    if (!isMeshError(error) || !error.issues) throw error;
    const reported = new Set(issues.map((i) => i.path));
    for (const issue of error.issues) {
      const path = VARIABLE_OF_PATH[issue.path] ?? issue.path;
      if (!reported.has(path)) issues.push({ path, message: issue.message });
    }
  }
  if (issues.length > 0) throw optionsError(issues, 'MESH client environment');
  return options;
}
