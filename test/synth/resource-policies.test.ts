import { resourcesOf, statementsOf, synthEnvironment, type Statement } from '../support/synth';

/**
 * checkov's CKV_AWS_70 ("no S3 bucket policy allows any principal") reads a
 * policy only as a literal JSON string, so it skips the jsonencode(...) the
 * modules write; this test holds every resource policy to that rule instead.
 */
const POLICIES: Array<[type: string, attribute: string]> = [
  ['aws_s3_bucket_policy', 'policy'],
  ['aws_sns_topic_policy', 'policy'],
  ['aws_sqs_queue_policy', 'policy'],
  ['aws_kms_key', 'policy'],
];

const anyone = (s: Statement) =>
  s.Principal === '*' || (typeof s.Principal === 'object' && s.Principal !== null && Object.values(s.Principal).some((p) => p === '*' || (Array.isArray(p) && p.includes('*'))));

describe.each(['dev', 'staging', 'prod'])('resource policies of %s', (env) => {
  const json = synthEnvironment(env);

  it('allow nothing to any principal; statements open to anyone only deny', async () => {
    let checked = 0;
    for (const [type, attribute] of POLICIES) {
      for (const resource of resourcesOf(json, type)) {
        for (const s of await statementsOf(resource[attribute])) {
          checked += 1;
          if (anyone(s)) expect({ type, sid: s.Sid, effect: s.Effect }).toEqual({ type, sid: s.Sid, effect: 'Deny' });
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
