/**
 * npm run rotate -- --env <env> --secret <splunk|dynatrace> [--from-stdin] [--verify]
 *
 * Writes a new version of a detector secret to Vault with check-and-set and
 * prints the new version. The credential is read from stdin or a hidden
 * prompt, never from the command line (it would land in shell history).
 * Vault address: VAULT_ADDR, else the environment's config; token: VAULT_TOKEN.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { loadEnvironment } from '../environments';
import { names } from '../src/config/naming';
import { TokenAuth } from '../src/adapters/vault/auth';
import { VaultClient } from '../src/adapters/vault/client';
import { lambdaAuthorization, parseCredentialInput, rotateSecret, verifyCredential, type CredentialUse, type RotatedSecret } from '../src/adapters/vault/rotation';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

async function promptHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(question);
  // Echo nothing while the credential is typed.
  output._writeToOutput = () => undefined;
  return new Promise((resolve) => rl.question('', (answer) => { rl.close(); process.stderr.write('\n'); resolve(answer); }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      env: { type: 'string' },
      secret: { type: 'string' },
      'from-stdin': { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
    },
  });
  if (!values.env || (values.secret !== 'splunk' && values.secret !== 'dynatrace')) {
    throw new Error('usage: npm run rotate -- --env <env> --secret <splunk|dynatrace> [--from-stdin] [--verify]');
  }
  const secret: RotatedSecret = values.secret;
  const env = loadEnvironment(values.env);
  const token = process.env.VAULT_TOKEN;
  if (!token) throw new Error('VAULT_TOKEN is not set: log in to Vault first (vault login / bao login)');
  const address = process.env.VAULT_ADDR ?? env.vault.address;

  const input = values['from-stdin'] ? await readStdin() : await promptHidden(`New ${secret} credential for ${env.name}: `);
  const data = parseCredentialInput(secret, input);
  // Refuse, even without --verify, a credential this environment's Lambda could not use.
  const use: CredentialUse = { secret, splunkAuthScheme: env.splunk.authScheme };
  lambdaAuthorization(use, data);
  const client = new VaultClient({ address, namespace: env.vault.namespace, auth: new TokenAuth(token) });
  const path = names.vaultSecretPath(env.vault.pathPrefix, secret);
  const serviceUrl = secret === 'splunk' ? env.splunk.baseUrl : env.dynatrace.environmentUrl;
  const { previousVersion, version } = await rotateSecret({
    client,
    kvMount: env.vault.kvMount,
    path,
    secret,
    data,
    verify: values.verify ? () => verifyCredential(use, process.env.ROTATE_VERIFY_URL ?? serviceUrl, data) : undefined,
  });
  process.stderr.write(`rotated ${env.vault.kvMount}/${path}: version ${previousVersion} -> ${version}${values.verify ? ' (verified)' : ''}\n`);
  process.stdout.write(`${version}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`rotate: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
