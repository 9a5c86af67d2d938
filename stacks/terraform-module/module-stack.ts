import { Construct } from 'constructs';
import { TerraformBackend, TerraformProvider, TerraformStack, Token, ref, type TerraformRemoteState } from 'cdktf';
import awsProviderPackage from '@cdktf/provider-aws/package.json';
import vaultProviderPackage from '@cdktf/provider-vault/package.json';
import type { EnvironmentConfig } from '../../environments/schema';
import { ContainerAnomalyDetector } from '../../modules/container-anomaly-detector';
import { DETECTOR_CONSTRUCT_ID, detectorConfigOf, detectorOutputs } from '../detection-stack';

/** `registry.terraform.io/hashicorp/aws` → `hashicorp/aws`, the form `required_providers` takes. */
function registrySource(providerPackage: { cdktf: { provider: { name: string } } }): string {
  return providerPackage.cdktf.provider.name.replace(/^registry\.terraform\.io\//, '');
}

/** The provider versions the pinned CDKTF bindings were generated from, which the export was tested against. */
export const MODULE_PROVIDERS = [
  { type: 'aws', source: registrySource(awsProviderPackage), version: awsProviderPackage.cdktf.provider.version },
  { type: 'vault', source: registrySource(vaultProviderPackage), version: vaultProviderPackage.cdktf.provider.version },
] as const;

/**
 * A provider the module needs but does not configure: a child module's
 * provider configuration comes from its caller, so only `required_providers`
 * is written. (A `provider` block inside a module would stop callers from
 * using `count`, `for_each` or `depends_on` on it.)
 */
class ProviderRequirement extends TerraformProvider {
  private readonly requirement: { source: string; version: string };

  constructor(scope: Construct, requirement: (typeof MODULE_PROVIDERS)[number]) {
    super(scope, requirement.type, {
      terraformResourceType: requirement.type,
      terraformGeneratorMetadata: { providerName: requirement.type, providerVersion: requirement.version },
      terraformProviderSource: requirement.source,
    });
    this.requirement = { source: requirement.source, version: requirement.version };
  }

  override toTerraform(): { terraform: { required_providers: Record<string, { source: string; version: string }> } } {
    return { terraform: { required_providers: { [this.terraformResourceType]: this.requirement } } };
  }

  override toHclTerraform(): ReturnType<ProviderRequirement['toTerraform']> {
    return this.toTerraform();
  }
}

/** Stands in for a backend: the caller's root module has the state; a child module writes none. */
class CallerOwnedState extends TerraformBackend {
  constructor(scope: Construct) {
    super(scope, 'caller-owned-state', 'none');
  }

  override toTerraform(): Record<string, never> {
    return {};
  }

  override toHclTerraform(): Record<string, never> {
    return {};
  }

  override getRemoteStateDataSource(): TerraformRemoteState {
    throw new Error('TerraformModuleStack: its state lives in the calling root module; read its outputs there');
  }
}

/**
 * One environment's detector as a plain Terraform child module: the same
 * construct at the same id as `DetectionStack` (so every resource keeps its
 * address) and the same outputs, without providers, backend or tags, which the
 * calling root module owns.
 */
export class TerraformModuleStack extends TerraformStack {
  public readonly detector: ContainerAnomalyDetector;

  constructor(scope: Construct, id: string, env: EnvironmentConfig) {
    super(scope, id);
    for (const provider of MODULE_PROVIDERS) new ProviderRequirement(this, provider);
    new CallerOwnedState(this);
    this.detector = new ContainerAnomalyDetector(this, DETECTOR_CONSTRUCT_ID, { config: detectorConfigOf(env) });
    // A relative path in a child module resolves from the caller's directory; path.module anchors it here.
    const fn = this.detector.detector;
    fn.function.addOverride('filename', `${Token.asString(ref('path.module'))}/${fn.bundleAsset.path}`);
    // CDKTF 0.21 writes a multi-line string as a heredoc, whose value ends with one newline more than
    // the string; without its final newline, the heredoc's value is the policy text exactly.
    const vault = this.detector.vault;
    vault.policy.policy = vault.policyText.replace(/\n$/, '');
    detectorOutputs(this, this.detector);
  }
}
