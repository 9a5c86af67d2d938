# A root module in plain Terraform that calls the exported detector as a child
# module, next to resources of its own. Export the module first:
#
#   npm run export:terraform -- --env dev --out examples/terraform-module/container-anomaly-detector-dev

terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
    vault = {
      source  = "hashicorp/vault"
      version = "5.6.0"
    }
  }
  backend "s3" {
    bucket       = "acme-terraform-state-dev"
    key          = "platform/dev/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

# The caller owns provider configuration and tags; the module inherits both.
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      project     = "container-anomaly-detector"
      environment = "dev"
      cost-center = "platform-dev"
    }
  }
}

# The token comes from VAULT_TOKEN in the environment, never from this file.
provider "vault" {
  address = "https://vault.dev.example.com:8200"
}

module "container_anomaly_detector" {
  source = "./container-anomaly-detector-dev"
}

# One of the team's own resources, wired to the detector's outputs: on-call
# hears about anomalies through the same topic the detector's alarms use.
resource "aws_sns_topic_subscription" "oncall" {
  topic_arn = module.container_anomaly_detector.alert_topic_arn
  protocol  = "email"
  endpoint  = "platform-oncall@example.com"
}

output "detector_function_name" {
  value = module.container_anomaly_detector.detector_function_name
}

output "archive_bucket" {
  value = module.container_anomaly_detector.archive_bucket
}
