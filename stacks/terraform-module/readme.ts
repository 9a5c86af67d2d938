/** The README written next to an exported module: what it is, how to call it, its inputs and outputs. */
import type { EnvironmentConfig } from '../../environments/schema';
import { DETECTOR_OUTPUTS } from '../detection-stack';
import { MODULE_PROVIDERS } from './module-stack';

export interface ModuleReadmeFacts {
  readonly env: EnvironmentConfig;
  /** The command that wrote the folder, as the operator typed it. */
  readonly command: string;
  /** The folder's own name, for the \`source\` example. */
  readonly folderName: string;
  /** Path of the Lambda package inside the folder, and its SHA-256 (base64, as in `source_code_hash`). */
  readonly bundle: { path: string; sha256: string };
  readonly resourceCount: number;
  readonly formattedBy?: string;
}

const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function moduleReadme(facts: ModuleReadmeFacts): string {
  const { env } = facts;
  const moduleName = `container_anomaly_detector_${env.name.replace(/-/g, '_')}`;
  const account = env.aws.accountId ? ` and account \`${env.aws.accountId}\` (\`allowed_account_ids\`)` : '';
  const namespace = env.vault.namespace ? ` (namespace \`${env.vault.namespace}\`)` : '';
  const tags = Object.entries(env.tags).map(([k, v]) => `\`${k} = "${v}"\``);
  return `# Container anomaly detector — \`${env.name}\`, as a plain Terraform module

Written by \`${facts.command}\` from \`environments/${env.name}.ts\` of container-anomaly-detector: ${facts.resourceCount} resources with the same addresses and attributes as \`cdktf synth\` gives that environment, so an existing deployment's state can move over (below).${facts.formattedBy ? ` Formatted with ${facts.formattedBy}.` : ''}

## Call it

\`\`\`hcl
module "${moduleName}" {
  source = "./${facts.folderName}"
}
\`\`\`

The calling root module owns the state backend and the provider configurations; this module has neither, so \`count\`, \`for_each\` and \`depends_on\` work on it. Configure the AWS provider for region \`${env.aws.region}\`${account}, and the Vault provider for \`${env.vault.address}\`${namespace} with a token that may manage the detector's mount, policy and AWS auth role. Tags come from the AWS provider's \`default_tags\`${tags.length ? `; this project's own stack sets ${tags.join(', ')}` : ''}.

## Requirements

${table(['provider', 'source', 'version'], MODULE_PROVIDERS.map((p) => [p.type, `\`${p.source}\``, `\`${p.version}\``]))}

## Inputs

None. Every value was fixed at export from \`environments/${env.name}.ts\`: change it there and export again, or edit \`main.tf\` and keep it as your own.

## Outputs

${table(['name', 'description'], DETECTOR_OUTPUTS.map((o) => [`\`${o.name}\``, o.description]))}

## Files

- \`main.tf\`: every resource, data source and output.
- \`${facts.bundle.path}\`: the Lambda package (SHA-256 \`${facts.bundle.sha256}\`, as in \`source_code_hash\`), referenced through \`path.module\`.

## Moving a deployment from CDKTF

Point the calling root module at the environment's existing state (\`s3://${env.backend.bucket}/${env.backend.key ?? `container-anomaly/${env.name}/terraform.tfstate`}\`), then move every resource into the module (the addresses match, so nothing should need replacing; review the plan):

\`\`\`bash
terraform state list | grep -v '^data\\.' | while read -r address; do
  terraform state mv "$address" "module.${moduleName}.$address"
done
terraform plan   # expect at most an in-place update of the function's filename (the package moved into the module)
\`\`\`

## After the first apply

Write the Splunk and Dynatrace credentials into Vault, never through Terraform: \`npm run rotate -- --env ${env.name} --secret splunk\` and \`--secret dynatrace\` from the project.
`;
}
