/**
 * npm run export:terraform -- --env <name> --out <dir>
 *
 * Writes one environment as a plain Terraform module: main.tf, the Lambda
 * package, and a README with its requirements, inputs and outputs. The folder
 * is meant to be called from a `module` block (examples/terraform-module).
 */
import { parseArgs } from 'node:util';
import { environmentNames } from '../environments';
import { exportTerraformModule } from '../stacks/terraform-module/export';

function main(): void {
  const { values } = parseArgs({ options: { env: { type: 'string' }, out: { type: 'string' } } });
  const envs = environmentNames();
  if (!values.env || !envs.includes(values.env) || !values.out) {
    console.error(`usage: npm run export:terraform -- --env <${envs.join('|')}> --out <dir>`);
    process.exit(2);
  }
  const started = performance.now();
  const result = exportTerraformModule({ env: values.env, outDir: values.out });
  console.log(`exported ${values.env}: ${result.resourceCount} resources to ${result.outDir} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  for (const f of result.files) console.log(`  ${f}`);
  console.log(result.formattedBy ? `formatted with ${result.formattedBy}` : 'terraform not on PATH: main.tf keeps CDKTF’s layout (valid HCL; run terraform fmt to normalise)');
}

main();
