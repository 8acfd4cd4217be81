"""Shared by the demos: synthetic two-view data and a linear encoder trained by minibatch SGD.

Not a demo itself (the leading underscore keeps it out of --demo); the demos import it by path.

N latent points u, seen through a fixed random map into DIM dimensions with a common offset,
twice, with independent noise: x1 and x2 are two views of the same point. A linear encoder
z = x @ W (DIM -> OUT) is trained on the pairs (x1, x2) with any loss that returns
(loss, dz1, dz2), the gradients with respect to z1 = x1 @ W and z2 = x2 @ W.
"""

from __future__ import annotations

import numpy as np

LATENT, DIM, OUT = 8, 32, 16
N_TRAIN, N_TEST = 2048, 256
EPOCHS, BATCH, LR, TEMPERATURE = 12, 128, 4.0, 0.2


def make_views(rng, n, mix, offset, noise=0.4, spread=None, with_latent=False):
    """Two noisy views (n, DIM) of n latent points u (n, latent) mapped by mix (latent, DIM).

    spread, if given, scales latent coordinate j by spread[j]; with_latent also returns u."""
    u = rng.normal(size=(n, mix.shape[0]))
    if spread is not None:
        u = u * spread
    clean = u @ mix + offset
    x1 = clean + noise * rng.normal(size=clean.shape)
    x2 = clean + noise * rng.normal(size=clean.shape)
    return (x1, x2, u) if with_latent else (x1, x2)


def setup(seed=0, latent=LATENT, noise=0.4, spread=None, n_train=N_TRAIN, n_test=N_TEST):
    """The InfoNCE demo's set-up (with its defaults, the same numbers): a random map and offset,
    training and held-out views, the encoder's starting W0, and the generator for more data."""
    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(latent, DIM)) / np.sqrt(latent)
    offset = 0.5 * rng.normal(size=DIM)
    train_views = make_views(rng, n_train, mix, offset, noise, spread)
    test_views = make_views(rng, n_test, mix, offset, noise, spread)
    W0 = rng.normal(size=(DIM, OUT)) / np.sqrt(DIM)
    return dict(rng=rng, mix=mix, offset=offset, noise=noise, spread=spread,
                train_views=train_views, test_views=test_views, W0=W0)


def unit(z):
    return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)


def alignment_only_grad(z1, z2):
    """Loss mean ||n1 - n2||^2 and its gradients with respect to z1 and z2 (no negatives)."""
    n1, n2 = unit(z1), unit(z2)
    diff = n1 - n2
    loss = float(np.mean(np.sum(diff * diff, axis=1)))
    dn1 = 2.0 * diff / len(z1)

    def back(n, z, dn):
        return (dn - n * np.sum(n * dn, axis=1, keepdims=True)) / np.linalg.norm(z, axis=1, keepdims=True)

    return loss, back(n1, z1, dn1), back(n2, z2, -dn1)


def train(step, W0, train_views, rng, measure=None, epochs=EPOCHS, batch=BATCH, lr=LR):
    """Minibatch SGD on W; per epoch (epoch 0: before any step) a tuple: the mean training loss,
    followed by the values of measure(W) if a measure is given."""
    W = W0.copy()
    x1, x2 = train_views
    history = []
    for epoch in range(epochs + 1):
        order = rng.permutation(len(x1))
        losses = []
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            a, b = x1[rows], x2[rows]
            loss, dz1, dz2 = step(a @ W, b @ W)
            if epoch > 0:
                # z1 = a @ W and z2 = b @ W share W, so both gradients flow into it
                W -= lr * (a.T @ np.asarray(dz1) + b.T @ np.asarray(dz2))
            losses.append(loss)
        history.append((float(np.mean(losses)),) + (tuple(measure(W)) if measure else ()))
    return W, history
