"""npm run bench:forest's other half: AWS's Random Cut Forest (PyPI krcf, Python
bindings of the Rust random-cut-forest-by-aws library) fed the same points.

Reads a JSON job on stdin ({"points", "trees", "sample_size", "time_decay",
"seed"}), and for each point, as a stream detector would: scores it, takes the
attribution, then updates the forest with it. Writes one JSON object on
stdout: score, displacement_score, attribution (high, low) per point, and the
microseconds per point of score + attribution + update (displacement_score is
computed for the comparison but left out of the timing).

Exit 3 when krcf is not installed, so the caller can say so and skip.

krcf API (krcf.pyi, https://pypi.org/project/krcf/ "API Reference"):
RandomCutForest(options) with options dimensions, shingle_size, num_trees,
sample_size, output_after, random_seed, lambda (the samplers' time decay),
initial_accept_fraction; methods score(point) -> float,
displacement_score(point) -> float, attribution(point) -> {"high", "low"},
update(point).
"""
import json
import sys
import time

try:
    import krcf
except ImportError:
    sys.exit(3)


def main() -> None:
    job = json.load(sys.stdin)
    points = job["points"]
    forest = krcf.RandomCutForest(
        {
            "dimensions": len(points[0]),
            # Points arrive already shingled, exactly as our forest gets them.
            "shingle_size": 1,
            "num_trees": job["trees"],
            "sample_size": job["sample_size"],
            "lambda": job["time_decay"],
            "random_seed": job["seed"],
            # Scores from the first point, like ours; the caller compares only after warm-up.
            "output_after": 1,
            # Accept every point until a sampler is full, as our reservoirs do (krcf's default 0.125 thins the start).
            "initial_accept_fraction": 1.0,
            "parallel_execution_enabled": False,
        }
    )
    scores, displacements, highs, lows = [], [], [], []
    timed = 0.0
    for p in points:
        t0 = time.perf_counter()
        s = forest.score(p)
        a = forest.attribution(p)
        t1 = time.perf_counter()
        d = forest.displacement_score(p)
        t2 = time.perf_counter()
        forest.update(p)
        timed += (t1 - t0) + (time.perf_counter() - t2)
        scores.append(s)
        displacements.append(d)
        highs.append(a["high"])
        lows.append(a["low"])
    json.dump(
        {
            "version": krcf.__version__,
            "score": scores,
            "displacement": displacements,
            "high": highs,
            "low": lows,
            "us_per_point": timed * 1e6 / len(points),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
