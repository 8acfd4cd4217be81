"""Demo of kata 4: contrastive training with your own info_nce_grad, and collapse without negatives.

    python grader.py --demo infonce               your functions (katas/infonce.py)
    python grader.py --demo infonce --solutions   the reference
    python grader.py --demo infonce --plot        also save demo-infonce.png (needs matplotlib)

Synthetic two-view data: N latent points in 8 dimensions, seen through a fixed random map into
32 dimensions with a common offset, twice, with independent noise: x1 and x2 are two views of
the same point. A linear encoder z = x @ W (32 -> 16) is trained twice from the same start:

  * with InfoNCE, through your info_nce_grad: by the chain rule dW = x1.T @ dz1 + x2.T @ dz2;
  * with positives only, minimizing alignment (mean ||n1 - n2||^2) and nothing else.

Both runs report your alignment and uniformity on held-out pairs. The second run has a trivial
optimum, sending every input to the same direction; the last table shows it getting there.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

# the data, the SGD loop and the positives-only loss are shared with other demos (demos/_encoders.py)
_spec = importlib.util.spec_from_file_location("_demo_encoders", Path(__file__).with_name("_encoders.py"))
_encoders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_encoders)

_progress_spec = importlib.util.spec_from_file_location("_demo_progress", Path(__file__).with_name("_progress.py"))
_progress = importlib.util.module_from_spec(_progress_spec)
_progress_spec.loader.exec_module(_progress)
step = _progress.step

NEEDS = {"infonce": ("info_nce_grad", "alignment", "uniformity")}
LATENT, DIM, OUT = _encoders.LATENT, _encoders.DIM, _encoders.OUT
N_TRAIN, N_TEST = _encoders.N_TRAIN, _encoders.N_TEST
BATCH, LR, TEMPERATURE = _encoders.BATCH, _encoders.LR, _encoders.TEMPERATURE
make_views, unit, alignment_only_grad = _encoders.make_views, _encoders.unit, _encoders.alignment_only_grad


def effective_rank(z):
    """exp(entropy) of the normalized singular values of the centered rows (Roy & Vetterli 2007)."""
    s = np.linalg.svd(z - z.mean(axis=0), compute_uv=False)
    if s.sum() <= 1e-12 * max(1.0, np.abs(z).max()):
        return 0.0
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-np.sum(p * np.log(p))))


def mean_cosine(z):
    """Mean cosine similarity over pairs i != j, without the n x n matrix."""
    n = unit(z)
    total = n.sum(axis=0)
    return float((total @ total - np.sum(n * n)) / (len(n) * (len(n) - 1)))


def top1(z1, z2):
    """Fraction of held-out x1 whose nearest z2 (by cosine) is its own second view."""
    return float(np.mean(np.argmax(unit(z1) @ unit(z2).T, axis=1) == np.arange(len(z1))))


def train(kata, step, W0, train_views, test_views, rng):
    """Minibatch SGD on W; per epoch (epoch 0: before any step) the mean training loss and the
    alignment and uniformity of the held-out pairs."""
    t1, t2 = test_views

    def measure(W):
        z1, z2 = t1 @ W, t2 @ W
        return kata.alignment(z1, z2), kata.uniformity(z1)

    return _encoders.train(step, W0, train_views, rng, measure)


def run(load, plot=False) -> int:
    kata = load("infonce")
    rng = np.random.default_rng(0)
    mix = rng.normal(size=(LATENT, DIM)) / np.sqrt(LATENT)
    offset = 0.5 * rng.normal(size=DIM)
    train_views = make_views(rng, N_TRAIN, mix, offset)
    test_views = make_views(rng, N_TEST, mix, offset)
    W0 = rng.normal(size=(DIM, OUT)) / np.sqrt(DIM)

    with step(f"training with InfoNCE (your info_nce_grad), {_encoders.EPOCHS} epochs"):
        W_nce, nce = train(kata, lambda z1, z2: kata.info_nce_grad(z1, z2, TEMPERATURE), W0,
                           train_views, test_views, np.random.default_rng(1))
    with step(f"training with positives only, {_encoders.EPOCHS} epochs"):
        W_pos, pos = train(kata, alignment_only_grad, W0, train_views, test_views, np.random.default_rng(1))
    print()

    print(f"Linear encoder {DIM} -> {OUT} on two noisy views of {N_TRAIN} points ({LATENT}-d latent), "
          f"SGD lr {LR}, batch {BATCH}.")
    print("Columns: training loss, then alignment (low: pairs close) and uniformity (low: spread out)")
    print(f"of {N_TEST} held-out pairs, measured with your alignment() and uniformity().\n")
    print(f"       {'InfoNCE, temperature ' + format(TEMPERATURE, 'g'):<28}  positives only (alignment loss)")
    print(f"epoch  {'loss':>8} {'align':>8} {'unif':>8}    {'loss':>8} {'align':>8} {'unif':>8}")
    for epoch, (a, b) in enumerate(zip(nce, pos)):
        print(f"{epoch:>5}  {a[0]:8.4f} {a[1]:8.4f} {a[2]:8.4f}    {b[0]:8.4f} {b[1]:8.4f} {b[2]:8.4f}")

    t1, t2 = test_views
    encoders = (("untrained", W0), ("InfoNCE", W_nce), ("positives only", W_pos))
    measures = (
        (f"effective rank (of {OUT})", lambda W: f"{effective_rank(t1 @ W):.2f}"),
        ("mean cosine between outputs", lambda W: f"{round(mean_cosine(t1 @ W), 3) + 0.0:.3f}"),
        ("top-1: own second view is nearest", lambda W: f"{top1(t1 @ W, t2 @ W):.1%}"),
    )
    print(f"\n{'held-out outputs x1 @ W':<36}" + "".join(f"{name:>16}" for name, _ in encoders))
    for label, measure in measures:
        print(f"{label:<36}" + "".join(f"{measure(W):>16}" for _, W in encoders))
    print("\nInfoNCE keeps the outputs spread (mean cosine near 0) over about as many directions as the")
    print(f"{LATENT} latent dimensions. Without negatives nothing stops every output from turning the same way:")
    print("alignment reaches 0, the mean cosine 1, and the outputs stop telling the points apart.")

    if plot:
        _plot(nce, pos)
    return 0


def _plot(nce, pos):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("No picture: matplotlib is not installed (pip install matplotlib).")
        return
    epochs = np.arange(len(nce))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    for ax, k, title in zip(axes, range(3), ("training loss", "alignment (held out)", "uniformity (held out)")):
        ax.plot(epochs, [h[k] for h in nce], marker="o", label="InfoNCE")
        ax.plot(epochs, [h[k] for h in pos], marker="s", label="positives only")
        ax.set_title(title)
        ax.set_xlabel("epoch")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig("demo-infonce.png", dpi=120)
    print("Saved demo-infonce.png")
