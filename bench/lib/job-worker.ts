/** One evaluation job in a child process (bench/lib/jobs.ts): the job as JSON in argv, its result as JSON on stdout. */
import { runJob, type Job } from './jobs';

process.stdout.write(JSON.stringify(runJob(JSON.parse(process.argv[2]) as Job)));
