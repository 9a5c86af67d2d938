/**
 * The guard every exploring bench shares: it plays tuning seeds only, so the
 * reporting seeds (printed by `npm run bench:generalize`) are never used for
 * choosing.
 */

/** Refuses seeds outside `tuning`. */
export function assertAmongTuningSeeds(seeds: readonly number[], tuning: readonly number[]): void {
  const other = seeds.filter((s) => !tuning.includes(s));
  if (other.length) throw new Error(`seed(s) ${other.join(', ')} are not tuning seeds (${tuning.join(', ')}): the reporting seeds are only for npm run bench:generalize`);
}

/** A CLI's `--seeds` list as numbers; anything but tuning seeds ends the process with the refusal on stderr. */
export function tuningSeedsOrExit(tool: string, list: string, tuning: readonly number[]): number[] {
  const seeds = list.split(',').map(Number);
  try {
    assertAmongTuningSeeds(seeds, tuning);
  } catch (e) {
    process.stderr.write(`${tool}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  return seeds;
}
