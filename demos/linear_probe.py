"""Demo of kata 8: linear probes on embeddings from the earlier katas, side by side.

    python grader.py --demo linear_probe               your functions (katas/)
    python grader.py --demo linear_probe --solutions   the reference

Every row trains your train_probe on the labelled training rows of one embedding and scores it
with your probe_accuracy on held-out rows; your diagnose (kata 6) reports each embedding's
shape. Besides linear_probe, the demo uses your lookup_tables (one_hot, lookup, lookup_backward),
infonce (info_nce_grad), whitening (fit_whitening, apply_whitening) and collapse (diagnose).

(a) Tokens and topics: 480 token ids, each belonging to one of 6 topics; a sentence picks a topic
    and draws 8 of its tokens (3 in 10 are replaced by any token). A table of 16-d embeddings is
    trained with InfoNCE on pairs of tokens from the same sentence (your lookup, info_nce_grad and
    lookup_backward), never seeing a topic. The probe learns the topics of 70% of the token ids
    and is tested on the other 30%, ids it has never seen: one-hot ids, a random table, the
    trained table (rows of unit length).
(b) The trained table made anisotropic: a common offset of length 8 (a narrow cone) and 3 random
    directions of spread 3 that carry nothing about the topic; probed again with 10 times the
    epochs; then whitened (fitted on the probe's training rows, rows normalized).
(c) The InfoNCE demo's encoders, trained as there (demos/_encoders.py): the outputs x1 @ W of
    fresh points, labelled by argmax(u @ P), u the point's 8-d latent and P 4 fixed random
    directions; the untrained encoder, InfoNCE, positives only, and positives only whitened.

A probe is only as good as its training: each runs 200 epochs from zeros with lr = min(0.5,
2 / (1 + mean ||x||^2)), half the bound under which the lesson's losses never go up.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

_spec = importlib.util.spec_from_file_location("_demo_encoders", Path(__file__).with_name("_encoders.py"))
_encoders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_encoders)

_progress_spec = importlib.util.spec_from_file_location("_demo_progress", Path(__file__).with_name("_progress.py"))
_progress = importlib.util.module_from_spec(_progress_spec)
_progress_spec.loader.exec_module(_progress)
step = _progress.step

EPOCHS = 200
# (a) tokens and topics
VOCAB, TOPICS, TABLE_DIM, LENGTH, SENTENCES, OFF_TOPIC = 480, 6, 16, 8, 3000, 0.3
TABLE_EPOCHS, TABLE_BATCH, TABLE_LR = 10, 256, 1.0
PROBE_SHARE = 0.7
# (b) anisotropy added to the trained table
OFFSET, NUISANCE, NUISANCE_DIRECTIONS = 8.0, 3.0, 3
# (c) the two-view points
CLASSES, N_PROBE = 4, 1000

KATAS = ("linear_probe", "lookup_tables", "infonce", "whitening", "collapse")
NEEDS = {"linear_probe": ("softmax_cross_entropy", "train_probe", "probe_accuracy"),
         "lookup_tables": ("one_hot", "lookup", "lookup_backward"), "infonce": ("info_nce_grad",),
         "whitening": ("fit_whitening", "apply_whitening"), "collapse": ("diagnose",)}


def step_size(X):
    """Half the lesson's bound 4 / (1 + mean ||x||^2) (no weight decay here), and at most 0.5."""
    return min(0.5, 2.0 / (1.0 + float(np.mean(np.sum(X * X, axis=1)))))


def train_table(k, rng):
    """(topic of every token id, 16-d table trained with InfoNCE on same-sentence pairs)."""
    topic = rng.permutation(np.arange(VOCAB) % TOPICS)
    members = [np.flatnonzero(topic == t) for t in range(TOPICS)]
    sentences = np.stack([rng.choice(members[t], size=LENGTH) for t in rng.integers(TOPICS, size=SENTENCES)])
    noisy = rng.random(size=sentences.shape) < OFF_TOPIC
    sentences[noisy] = rng.integers(VOCAB, size=int(noisy.sum()))

    table = 0.1 * rng.normal(size=(VOCAB, TABLE_DIM))
    rows = np.arange(SENTENCES)
    for _ in range(TABLE_EPOCHS):
        # one pair per sentence: positions i and j != i
        i = rng.integers(LENGTH, size=SENTENCES)
        j = (i + 1 + rng.integers(LENGTH - 1, size=SENTENCES)) % LENGTH
        a, b = sentences[rows, i], sentences[rows, j]
        order = rng.permutation(SENTENCES)
        for start in range(0, SENTENCES, TABLE_BATCH):
            batch = order[start:start + TABLE_BATCH]
            _, dz1, dz2 = k["infonce"].info_nce_grad(k["lookup_tables"].lookup(table, a[batch]),
                                                     k["lookup_tables"].lookup(table, b[batch]),
                                                     _encoders.TEMPERATURE)
            table -= TABLE_LR * (k["lookup_tables"].lookup_backward(dz1, a[batch], VOCAB)
                                 + k["lookup_tables"].lookup_backward(dz2, b[batch], VOCAB))
    return topic, table


def probe_row(k, label, X, y, train, test, classes, epochs=EPOCHS):
    """One row of the table: the probe trained on rows `train` of X, scored on both splits."""
    lr = step_size(X[train])
    W, b, _ = k["linear_probe"].train_probe(X[train], y[train], classes, epochs=epochs, lr=lr)
    train_acc = k["linear_probe"].probe_accuracy(X[train], y[train], W, b)
    test_acc = k["linear_probe"].probe_accuracy(X[test], y[test], W, b)
    status = k["collapse"].diagnose(X)["status"]
    return f"  {label:<34}{X.shape[1]:>5}{lr:>9.4f}{train_acc:>8.3f}{test_acc:>8.3f}  {status}"


def majority(y, train, test):
    """Test accuracy of always answering the most frequent training label."""
    return float(np.mean(y[test] == np.argmax(np.bincount(y[train]))))


def run(load, plot=False) -> int:
    k = {name: load(name) for name in KATAS}
    rng = np.random.default_rng(0)
    with step(f"training a {TABLE_DIM}-d table with InfoNCE (your lookup, info_nce_grad, lookup_backward), "
              f"{TABLE_EPOCHS} epochs"):
        topic, trained = train_table(k, rng)
    data = _encoders.setup()
    with step(f"training the InfoNCE demo's two encoders, {_encoders.EPOCHS} epochs each"):
        nce = _encoders.train(lambda z1, z2: k["infonce"].info_nce_grad(z1, z2, _encoders.TEMPERATURE),
                              data["W0"], data["train_views"], np.random.default_rng(1))[0]
        pos = _encoders.train(_encoders.alignment_only_grad, data["W0"], data["train_views"],
                              np.random.default_rng(1))[0]
    print(f"\nLinear probes: {EPOCHS} epochs of your train_probe, then your probe_accuracy on the training rows")
    print("and on held-out rows; status: your diagnose() on all the rows of the embedding.\n")
    print(f"  {'embedding':<34}{'dim':>5}{'lr':>9}{'train':>8}{'test':>8}  status", flush=True)
    for line in table(k, rng, topic, trained, data, nce, pos):  # each row as soon as its probe is trained
        print(line, flush=True)
    print("\n(a) On one-hot ids the probe memorizes the ids it saw; a table trained without labels generalizes.")
    print("(b) A cone and a few big directions force a small step: the probe gets there, slowly. Whitening helps.")
    print("(c) Collapse hides what the encoder knows in tiny directions: the probe misses it; whitening finds part.")
    if plot:
        print("\nThis demo draws no picture.")
    return 0


def table(k, rng, topic, trained, data, nce, pos):
    """The lines of the table, section by section, one at a time (a probe is trained for each)."""
    wh = k["whitening"]

    # (a) one-hot ids vs a trained table, on token ids the probe never saw
    order = rng.permutation(VOCAB)
    cut = int(PROBE_SHARE * VOCAB)
    train, test = order[:cut], order[cut:]
    unit_table = _encoders.unit(trained)
    yield (f"(a) topic of a token: {cut} token ids to learn from, {VOCAB - cut} unseen ones to test "
           f"(majority class {majority(topic, train, test):.3f})")
    for label, X in (("one-hot ids", k["lookup_tables"].one_hot(np.arange(VOCAB), VOCAB)),
                     ("random table", _encoders.unit(rng.normal(size=(VOCAB, TABLE_DIM)))),
                     ("table trained with InfoNCE", unit_table)):
        yield probe_row(k, label, X, topic, train, test, TOPICS)

    # (b) the same table in a narrow cone, stretched along directions that carry no topic
    offset = OFFSET * _encoders.unit(rng.normal(size=(1, TABLE_DIM)))
    directions, _ = np.linalg.qr(rng.normal(size=(TABLE_DIM, NUISANCE_DIRECTIONS)))
    cone = unit_table + offset + NUISANCE * rng.normal(size=(VOCAB, NUISANCE_DIRECTIONS)) @ directions.T
    mu, W = wh.fit_whitening(cone[train])
    yield "(b) the trained table, anisotropic, then whitened"
    yield probe_row(k, "trained table + offset + stretch", cone, topic, train, test, TOPICS)
    yield probe_row(k, f"  the same, {10 * EPOCHS} epochs", cone, topic, train, test, TOPICS,
                    epochs=10 * EPOCHS)
    yield probe_row(k, "  the same, whitened", wh.apply_whitening(cone, mu, W, normalize=True),
                    topic, train, test, TOPICS)

    # (c) the InfoNCE demo's encoders, healthy and collapsed
    x1, _, u = _encoders.make_views(data["rng"], 2 * N_PROBE, data["mix"], data["offset"], with_latent=True)
    P = np.random.default_rng(2).normal(size=(u.shape[1], CLASSES))
    y = np.argmax(u @ P, axis=1)
    train, test = np.arange(N_PROBE), np.arange(N_PROBE, 2 * N_PROBE)
    yield (f"(c) the InfoNCE demo's encoders; label argmax(u @ P), u latent, P random {P.shape} "
           f"(majority class {majority(y, train, test):.3f})")
    encoders = (("untrained encoder", data["W0"]), ("InfoNCE encoder", nce), ("positives-only encoder", pos))
    for label, W in encoders:
        yield probe_row(k, label, x1 @ W, y, train, test, CLASSES)
    collapsed = x1 @ pos
    mu, W = wh.fit_whitening(collapsed[train])
    yield probe_row(k, "  the same, whitened", wh.apply_whitening(collapsed, mu, W, normalize=True),
                    y, train, test, CLASSES)

