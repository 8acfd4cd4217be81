"""How fast is the reference info_nce_grad? A script, not a test:

    python bench/infonce.py                      B = 4096, d = 256, float64
    python bench/infonce.py --B 2048 --repeats 9

The gradient of InfoNCE cannot avoid three B x B x d matrix products: the logits
S = n1 @ n2.T, then dS @ n2 and dS.T @ n1. Their time, measured here in the same run
on the same shapes, is the bound; everything else (norms, max, exp, sums) should cost
little next to it. Target: within 1.5x of that bound. If jax is installed (it is never
a dependency of the katas), jax.value_and_grad of the same loss under jax.jit runs side
by side, in float64 like the reference. Every figure is the best of several repeats.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def load_reference():
    spec = importlib.util.spec_from_file_location("infonce_reference", ROOT / "solutions" / "infonce.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def race(fns: dict, repeats: int) -> dict:
    """Best time of each function, run in turn within every repeat so that a busy moment of
    the machine slows all of them rather than one."""
    for fn in fns.values():
        fn()  # warm up: page in the memory, compile, start the thread pools
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def matmul_bound(n1, n2, dS):
    """The three products of the gradient, on arrays of the same shapes."""
    def run():
        n1 @ n2.T
        dS @ n2
        dS.T @ n1
    return run


def jax_gradient(temperature: float, symmetric: bool):
    """jit(value_and_grad) of the same loss, or the reason it is not available."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None, "jax is not installed (pip install jax jaxlib to compare)"
    except Exception as exc:  # installed, but broken against this numpy
        return None, f"jax does not import here ({type(exc).__name__}: {exc}); skipped"
    jax.config.update("jax_enable_x64", True)

    def loss(z1, z2):
        n1 = z1 / jnp.linalg.norm(z1, axis=1, keepdims=True)
        n2 = z2 / jnp.linalg.norm(z2, axis=1, keepdims=True)
        S = n1 @ n2.T / temperature
        positives = jnp.diagonal(S)
        rows = jnp.mean(jax.nn.logsumexp(S, axis=1) - positives)
        if not symmetric:
            return rows
        return (rows + jnp.mean(jax.nn.logsumexp(S, axis=0) - positives)) / 2

    fn = jax.jit(jax.value_and_grad(loss, argnums=(0, 1)))
    return (lambda z1, z2: jax.block_until_ready(fn(z1, z2))), f"jax {jax.__version__}"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--B", type=int, default=4096, help="batch size (default 4096)")
    p.add_argument("--d", type=int, default=256, help="embedding dimension (default 256)")
    p.add_argument("--temperature", type=float, default=0.1)
    p.add_argument("--repeats", type=int, default=7, help="timed runs per figure; the best counts")
    args = p.parse_args(argv)

    ref = load_reference()
    rng = np.random.default_rng(0)
    z1 = rng.normal(size=(args.B, args.d))
    z2 = z1 + 0.5 * rng.normal(size=(args.B, args.d))
    n1 = z1 / np.linalg.norm(z1, axis=1, keepdims=True)
    n2 = z2 / np.linalg.norm(z2, axis=1, keepdims=True)
    dS = rng.random((args.B, args.B))

    print(f"info_nce_grad, B = {args.B}, d = {args.d}, float64, temperature {args.temperature:g}, "
          f"best of {args.repeats}")
    fns = {"bound": matmul_bound(n1, n2, dS)}
    notes = []
    for symmetric in (False, True):
        fns[("numpy", symmetric)] = lambda s=symmetric: ref.info_nce_grad(z1, z2, args.temperature, s)
        jax_fn, jax_note = jax_gradient(args.temperature, symmetric)
        if jax_fn is not None:
            loss, (g1, g2) = jax_fn(z1, z2)
            r_loss, r1, r2 = ref.info_nce_grad(z1, z2, args.temperature, symmetric)
            diff = max(abs(float(loss) - r_loss), float(np.max(np.abs(np.asarray(g1) - r1))),
                       float(np.max(np.abs(np.asarray(g2) - r2))))
            notes.append(f"symmetric={symmetric}: largest difference from jax {diff:.1e}")
            fns[("jax", symmetric)] = lambda f=jax_fn: f(z1, z2)
    best = race(fns, args.repeats)
    bound = best["bound"]
    flops = 3 * 2 * args.B * args.B * args.d
    print(f"3 matrix products (the bound): {bound * 1e3:8.1f} ms   ({flops / bound / 1e9:.0f} GFLOP/s)\n")
    rows = [(s, best[("numpy", s)], best.get(("jax", s))) for s in (False, True)]

    head = f"{'symmetric':<10} {'numpy ms':>9} {'x bound':>8}"
    if any(t is not None for _, _, t in rows):
        head += f" {'jax ms':>9} {'x jax':>7}"
    print(head)
    print("-" * len(head))
    for symmetric, ours, theirs in rows:
        line = f"{str(symmetric):<10} {ours * 1e3:9.1f} {ours / bound:8.2f}"
        if theirs is not None:
            line += f" {theirs * 1e3:9.1f} {ours / theirs:7.2f}"
        print(line)
    print()
    print(jax_note)
    for note in notes:
        print(note)
    print("target: x bound <= 1.5 and x jax <= 1.0")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
