"""Greedy, beam and exhaustive search on a small next-token model, with the
whole search tree (the d2l convention; see ``beam_search``).

A model maps a context (the tokens so far) to next-token probabilities; the
context used is the longest suffix of the tokens that the model knows.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
MAX_EXHAUSTIVE = 1_000_000


@dataclass(frozen=True)
class Model:
    vocab: tuple[str, ...]
    eos: str
    table: dict[tuple[str, ...], Array]  # context → probabilities over vocab

    def next_probs(self, tokens: tuple[str, ...]) -> Array:
        """Back-off: the longest suffix of ``tokens`` with an entry."""
        for start in range(len(tokens) + 1):
            context = tokens[start:]
            if context in self.table:
                return self.table[context]
        raise ValueError("the model has no entry for the empty context")


def model_from_dict(doc: dict) -> tuple[Model, list[str]]:
    """{"vocab": [...], "eos": "<eos>", "next": {"": {...}, "A": {...}}}; contexts
    are space-separated. Returns the model and warnings (renormalised rows)."""
    try:
        vocab, eos, nxt = list(doc["vocab"]), doc["eos"], doc["next"]
    except (KeyError, TypeError):
        raise ValueError("expected {'vocab': [...], 'eos': ..., 'next': {...}}") from None
    if eos not in vocab or len(set(vocab)) != len(vocab):
        raise ValueError("the end token must be in the vocabulary, and tokens unique")
    if "" not in nxt:
        raise ValueError("'next' needs the empty context \"\"")
    table, warnings = {}, []
    for context, probs in nxt.items():
        row = np.zeros(len(vocab))
        for token, p in probs.items():
            if token not in vocab:
                raise ValueError(f"context {context!r}: {token!r} is not in the vocabulary")
            if not isinstance(p, (int, float)) or isinstance(p, bool) or not p >= 0:
                raise ValueError(f"context {context!r}: probability of {token!r} must be ≥ 0")
            row[vocab.index(token)] = float(p)
        total = row.sum()
        if total <= 0:
            raise ValueError(f"context {context!r} gives every token probability 0")
        if abs(total - 1.0) > 1e-9:
            warnings.append(f"context {context!r} sums to {total:g}; renormalised")
        table[tuple(context.split())] = row / total
    return Model(tuple(vocab), eos, table), warnings


@dataclass(frozen=True)
class Candidate:
    tokens: tuple[str, ...]  # generated tokens (the prompt excluded), cut after the end token
    log_prob: float

    def score(self, alpha: float) -> float:
        """(1/L^α)·Σ log P over the candidate's own length L."""
        return self.log_prob / len(self.tokens) ** alpha


@dataclass(frozen=True)
class Node:
    id: int
    parent: int  # −1 for children of the root (the prompt)
    token: str
    log_prob: float  # of this step
    cum_log_prob: float
    step: int
    status: str  # kept, pruned (then finished / chosen marked on kept ones)


@dataclass(frozen=True)
class BeamResult:
    nodes: tuple[Node, ...]
    candidates: tuple[Candidate, ...]
    best: Candidate
    alpha: float
    eos: str


def _truncate(tokens: tuple[str, ...], eos: str) -> tuple[str, ...]:
    return tokens[: tokens.index(eos) + 1] if eos in tokens else tokens


def sequence_log_prob(model: Model, tokens: tuple[str, ...], prompt=()) -> float:
    total = 0.0
    for i, token in enumerate(tokens):
        p = model.next_probs(tuple(prompt) + tokens[:i])[model.vocab.index(token)]
        total += math.log(p) if p > 0 else -math.inf
    return total


def final_choice(model: Model, sequences: list[tuple[str, ...]], alpha: float,
                 prompt=()) -> tuple[tuple[Candidate, ...], Candidate]:  # fmt: skip
    """The candidates (cut after the end token, only finished ones when any
    exist, each once) and the best by the length-penalised score."""
    cut = list(dict.fromkeys(_truncate(s, model.eos) for s in sequences if s))
    finished = [s for s in cut if s[-1] == model.eos]
    pool = finished or cut
    candidates = tuple(Candidate(s, sequence_log_prob(model, s, prompt)) for s in pool)
    best = max(candidates, key=lambda c: (c.score(alpha), c.log_prob))
    return candidates, best


def beam_search(model: Model, *, beam_size: int, max_length: int, alpha: float = 0.75,
                prompt: tuple[str, ...] = ()) -> BeamResult:  # fmt: skip
    """d2l's beam search: at every step keep the k best of the k·|V|
    extensions (by cumulative log-probability); every kept sequence of every
    step is a candidate; the answer maximises (1/L^α)·Σ log P."""
    if beam_size < 1 or max_length < 1:
        raise ValueError("beam size and maximum length must be at least 1")
    for token in prompt:
        if token not in model.vocab:
            raise ValueError(f"the prompt's token {token!r} is not in the vocabulary")
    beams = [((), 0.0, -1)]  # (tokens, cumulative log-prob, node id)
    nodes: list[Node] = []
    kept_sequences = []
    for step in range(1, max_length + 1):
        options = []
        for tokens, cum, parent in beams:
            probs = model.next_probs(tuple(prompt) + tokens)
            for v, p in zip(model.vocab, probs, strict=True):
                lp = math.log(p) if p > 0 else -math.inf
                options.append((tokens + (v,), cum + lp, parent, v, lp))
        order = sorted(range(len(options)), key=lambda i: -options[i][1])
        keep = set(order[:beam_size])
        beams = []
        for i, (tokens, cum, parent, v, lp) in enumerate(options):
            node = Node(len(nodes), parent, v, lp, cum, step, "kept" if i in keep else "pruned")
            nodes.append(node)
            if i in keep and cum > -math.inf:
                beams.append((tokens, cum, node.id))
                kept_sequences.append(tokens)
        beams.sort(key=lambda b: -b[1])
        if not beams:
            break
    candidates, best = final_choice(model, kept_sequences, alpha, prompt)
    return BeamResult(tuple(nodes), candidates, best, alpha, model.eos)


def greedy(model: Model, *, max_length: int, alpha: float = 0.75, prompt=()) -> Candidate:
    """Take the most probable next token until the end token or the length."""
    tokens: tuple[str, ...] = ()
    for _ in range(max_length):
        probs = model.next_probs(tuple(prompt) + tokens)
        tokens += (model.vocab[int(np.argmax(probs))],)
        if tokens[-1] == model.eos:
            break
    return Candidate(tokens, sequence_log_prob(model, tokens, prompt))


def exhaustive(model: Model, *, max_length: int, alpha: float = 0.75, prompt=()) -> Candidate:
    """Every sequence of up to ``max_length`` tokens (refused past a million)."""
    if len(model.vocab) ** max_length > MAX_EXHAUSTIVE:
        raise ValueError(f"|V|^L = {len(model.vocab)}^{max_length} is more than "
                         f"{MAX_EXHAUSTIVE:,} sequences")  # fmt: skip
    sequences = [tuple(s) for n in range(1, max_length + 1)
                 for s in itertools.product(model.vocab, repeat=n)]  # fmt: skip
    return final_choice(model, sequences, alpha, prompt)[1]


D2L_EXAMPLE = {
    "vocab": ["A", "B", "C", "<eos>"],
    "eos": "<eos>",
    "next": {
        "": {"A": 0.5, "B": 0.2, "C": 0.2, "<eos>": 0.1},
        "A": {"A": 0.1, "B": 0.4, "C": 0.3, "<eos>": 0.2},
        "A B": {"A": 0.2, "B": 0.2, "C": 0.4, "<eos>": 0.2},
        "A C": {"A": 0.1, "B": 0.6, "C": 0.2, "<eos>": 0.1},
        "A B C": {"A": 0.1, "B": 0.1, "C": 0.2, "<eos>": 0.6},
        "A C B": {"A": 0.1, "B": 0.2, "C": 0.1, "<eos>": 0.6},
    },
}
"""The example of Dive into Deep Learning §10.8: greedy finds A B C <eos>
(0.5·0.4·0.4·0.6 = 0.048); A C B <eos> has 0.5·0.3·0.6·0.6 = 0.054."""


def ngram_model(text: str, order: int, smoothing: float = 1.0, eos: str = "<eos>") -> Model:
    """An n-gram model of ``text`` (one sentence per line, the end token after
    each) with d2l's Laplace smoothing, each order interpolated with the one
    below: P(x | c) = (n(c, x) + ε·P(x | c minus its first token)) / (n(c) + ε),
    down to P(x) = (n(x) + ε/|V|) / (n + ε)."""
    if order < 1:
        raise ValueError("the order must be at least 1")
    if not smoothing >= 0:
        raise ValueError("the smoothing ε must be ≥ 0")
    sentences = [line.split() + [eos] for line in text.splitlines() if line.split()]
    if not sentences:
        raise ValueError("the corpus has no words")
    vocab = tuple(sorted({t for s in sentences for t in s} - {eos})) + (eos,)
    index = {t: i for i, t in enumerate(vocab)}
    counts: dict[tuple[str, ...], np.ndarray] = {}
    for sentence in sentences:
        for i, token in enumerate(sentence):
            for k in range(order):
                if i - k < 0:
                    break
                context = tuple(sentence[i - k : i])
                row = counts.setdefault(context, np.zeros(len(vocab)))
                row[index[token]] += 1
    table: dict[tuple[str, ...], Array] = {}
    for context in sorted(counts, key=len):
        n = counts[context]
        lower = table[context[1:]] if context else np.full(len(vocab), 1.0 / len(vocab))
        total = n.sum() + smoothing
        table[context] = (n + smoothing * lower) / total if total > 0 else lower
    return Model(vocab, eos, table)


BUILTIN_CORPUS = """the cat sat on the mat
the dog sat on the log
the cat saw the dog
a dog saw a cat on the mat
the cat ran
"""
