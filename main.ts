/** The CDKTF app: one detection stack per environment file in `environments/`. */
import { App } from 'cdktf';
import { loadEnvironments } from './environments';
import { DetectionStack } from './stacks/detection-stack';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  for (const env of loadEnvironments()) new DetectionStack(app, env.name, env);
  return app;
}

if (require.main === module) buildApp().synth();
