"""How long each demo takes: python bench/demos.py [--repeat N] [DEMO ...]

Each demo runs as a learner runs it (python grader.py --demo NAME), on two sets of kata files:
  - the reference (--solutions);
  - a plain learner's: the reference with the straightforward CORRECT variants of
    tests/variants appended (PLAIN below), among them svd_embeddings by a full np.linalg.svd of
    the 2000 x 2000 PPMI matrix, as the lesson first writes it, and train_sgns drawing
    negatives for every pair.
Reported: the median wall time and the median CPU time (user + system, of the grader and the
demo's process), over N runs. On a machine busy with other work the wall time grows and the
CPU time hardly does: on a quiet machine the wall time is about the CPU time (the demos
run one BLAS thread). Also the first run's extra cost, collecting the corpus (cached in
demos/.cache after it), measured on its own. Target: every demo under 15 s on a quiet
2-core machine, with either set of files.
"""

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "self"))

from conftest import load_variants  # noqa: E402

from grading import catalogue, demos  # noqa: E402

PLAIN = {
    "lookup_tables": ["sum_then_divide"],
    "cooccurrence": ["counter_sentence_by_sentence", "plain_logaddexp_and_add_at", "train_per_pair_negatives",
                     "svd_direct_with_other_signs"],
    "infonce": ["softmax_matrices_then_chain_rule"],
    "whitening": ["eigh_of_np_cov"],
    "collapse": ["eigenvalue_route"],
    "matryoshka": ["masks_and_loops_over_queries"],
    "linear_probe": ["logsumexp_and_eye"],
    "next_word": ["bag_matrix_products"],
    "recommender": ["train_through_the_public_functions"],
    "clusters": ["choice_draws_and_loops_over_clusters"],
}


def plain_folder(folder: Path) -> None:
    for kata in catalogue.KATAS:
        text = kata.solution.read_text()
        variants = {name: entry for (_, name), entry in load_variants(kata).items()}
        for name in PLAIN.get(kata.name, []):
            if name not in variants:  # a variant renamed since: the reference's own code
                continue
            description, code, _ = variants[name]
            text += f"\n\n# ---- {name}: {description}\n{code}"
        (folder / f"{kata.name}.py").write_text(text)


def timed(command) -> tuple:
    """(wall seconds, CPU seconds of it and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {proc.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def corpus_collection() -> tuple:
    """(wall, CPU) seconds of collecting the corpus, as a first run does."""
    spec = importlib.util.spec_from_file_location("_bench_corpus", ROOT / "demos" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    corpus._read_cache = lambda: None
    corpus._write_cache = lambda sentences: None
    start, cpu = time.perf_counter(), time.process_time()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    corpus.sentences(verbose=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, time.process_time() - cpu + children


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    names = args.names or demos.available()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start, "
          f"Python {sys.version.split()[0]}; median of {args.repeat} runs")
    wall, cpu = corpus_collection()
    print(f"collecting the corpus (first run only): wall {wall:.1f} s, CPU {cpu:.1f} s")
    print(f"{'demo':<14}{'reference wall':>16}{'CPU':>8}{'plain wall':>14}{'CPU':>8}")
    with tempfile.TemporaryDirectory() as folder:
        plain_folder(Path(folder))
        for name in names:
            cells = []
            for flags in (["--solutions"], ["--source", folder]):
                runs = [timed([sys.executable, "grader.py", "--demo", name, *flags]) for _ in range(args.repeat)]
                cells += [statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)]
            print(f"{name:<14}{cells[0]:>14.1f} s{cells[1]:>6.1f} s{cells[2]:>12.1f} s{cells[3]:>6.1f} s", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
