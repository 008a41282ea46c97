"""Greedy, beam and exhaustive search on a small next-token model, with the
whole search tree (the d2l convention; see ``beam_search``).

A model maps a context (the tokens so far) to next-token probabilities; the
context used is the longest suffix of the tokens that the model knows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from dlviz.errors import SpecError
from dlviz.spec import check, choice, number, whole

Array = np.ndarray
MAX_EXHAUSTIVE = 1_000_000


@dataclass(frozen=True)
class Model:
    """A next-token model: probabilities over ``vocab`` for each known context."""

    vocab: tuple[str, ...]
    eos: str
    table: dict[tuple[str, ...], Array]  # context → probabilities over vocab
    bos: str = ""  # a start-of-sentence token before every sequence ("" for none)

    def next_probs(self, tokens: tuple[str, ...]) -> Array:
        """Back-off: the longest suffix of ``tokens`` (after the start token,
        when the model has one) with an entry."""
        return self.row(((self.bos,) if self.bos else ()) + tuple(tokens))

    def row(self, context: tuple[str, ...]) -> Array:
        """The entry of the longest suffix of ``context`` the table has."""
        for start in range(len(context) + 1):
            if context[start:] in self.table:
                return self.table[context[start:]]
        raise ValueError("the model has no entry for the empty context")


def model_from_dict(doc: dict, renormalize: bool = False) -> tuple[Model, list[str]]:
    """{"vocab": [...], "eos": "<eos>", "next": {"": {...}, "A": {...}}}; contexts
    are space-separated. A row that does not sum to 1 is refused (a typo would
    silently change a worked example) unless ``renormalize``; returns the model
    and what was renormalised."""
    try:
        vocab, eos, nxt = list(doc["vocab"]), doc["eos"], doc["next"]
    except (KeyError, TypeError):
        raise ValueError("expected {'vocab': [...], 'eos': ..., 'next': {...}}") from None
    for token in vocab:
        if not isinstance(token, str) or not token or token.split() != [token]:
            raise ValueError(f"vocabulary entries are words without spaces, not {token!r}")
    if eos not in vocab or len(set(vocab)) != len(vocab):
        raise ValueError("the end token must be in the vocabulary, and tokens unique")
    bos = doc.get("bos", "")
    if bos and (not isinstance(bos, str) or bos in vocab or bos.split() != [bos]):
        raise ValueError("the start token is a word outside the vocabulary (it is never generated)")
    if not isinstance(nxt, dict) or "" not in nxt:
        raise ValueError("'next' needs the empty context \"\"")
    table, warnings = {}, []
    for context, probs in nxt.items():
        words = str(context).split()
        unknown = [t for i, t in enumerate(words) if t not in vocab and not (t == bos and i == 0)]
        if unknown:
            raise ValueError(f"context {context!r}: {unknown[0]!r} is not in the vocabulary")
        if not isinstance(probs, dict):
            raise ValueError(f"context {context!r}: expected {{token: probability}}")
        row = np.zeros(len(vocab))
        for token, p in probs.items():
            if token not in vocab:
                raise ValueError(f"context {context!r}: {token!r} is not in the vocabulary")
            if isinstance(p, str):
                raise ValueError(
                    f"context {context!r}: the probability of {token!r} is the text {p!r}; "
                    "write it as a number"
                )
            ok = isinstance(p, (int, float)) and not isinstance(p, bool) and 0 <= p < math.inf
            if not ok:
                raise ValueError(
                    f"context {context!r}: probability of {token!r} must be a finite number ≥ 0"
                )
            row[vocab.index(token)] = float(p)
        total = row.sum()
        if total <= 0:
            raise ValueError(f"context {context!r} gives every token probability 0")
        if abs(total - 1.0) > 1e-9:  # rows that sum to 1 stay as given, bit for bit
            if not renormalize:
                raise ValueError(
                    f"context {context!r} sums to {total:g}, not 1 (add --renormalize to "
                    "divide each row by its sum)"
                )
            warnings.append(f"context {context!r} sums to {total:g}; renormalised")
            row = row / total
        table[tuple(context.split())] = row
    return Model(tuple(vocab), eos, table, bos), warnings


@dataclass(frozen=True)
class Candidate:
    """A hypothesis: its generated tokens and their total log-probability."""

    tokens: tuple[str, ...]  # generated tokens (the prompt excluded), cut after the end token
    log_prob: float

    def score(self, alpha: float) -> float:
        """(1/L^α)·Σ log P over the candidate's own length L."""
        return self.log_prob / len(self.tokens) ** alpha


@dataclass(frozen=True)
class Node:
    """One extension in the search tree, with what the search did with it."""

    id: int
    parent: int  # −1 for children of the root (the prompt)
    token: str
    log_prob: float  # of this step
    cum_log_prob: float
    step: int
    status: str  # kept, pruned, finished (ends a hypothesis: the end token or the
    # maximum length), chosen (ends the answer)

    def score(self, alpha: float) -> float:
        """The length-penalised score of the sequence ending here."""
        return self.cum_log_prob / self.step**alpha


STATUSES = ("kept", "pruned", "finished", "chosen")


@dataclass(frozen=True)
class BeamResult:
    """The whole search tree, the final candidates and the chosen answer."""

    nodes: tuple[Node, ...]
    candidates: tuple[Candidate, ...]
    best: Candidate
    alpha: float
    eos: str
    convention: str = "d2l"
    candidate_nodes: tuple[int, ...] = ()  # the node ending each candidate
    steps: int = 0  # steps actually run (hf may stop early)
    beam_size: int = 1
    prompt: tuple[str, ...] = ()
    # greedy, beam and (when |V|^L allows) exhaustive search's answers, by ``run``
    answers: Mapping[str, Candidate] | None = None
    spec: BeamSpec | None = None  # what ran, when built by ``run``


def sequence_log_prob(model: Model, tokens: tuple[str, ...], prompt=()) -> float:
    """Σ log P(token | prompt and the tokens before it); −inf if any has probability 0."""
    total = 0.0
    for i, token in enumerate(tokens):
        total += _log(model.next_probs(tuple(prompt) + tokens[:i])[model.vocab.index(token)])
    return total


def final_choice(model: Model, sequences, alpha: float, prompt=()):
    """The candidates (each once) and the best by the length-penalised score.
    ``sequences`` are (tokens, id of the node ending them, or −1) pairs, each a
    hypothesis that ended with the end token or reached the maximum length;
    returns the candidates, the best, and the node ending each candidate."""
    seen: dict[tuple[str, ...], int] = {}
    for tokens, node in sequences:
        if tokens:
            seen.setdefault(tokens, node)
    pool = list(seen)
    candidates = tuple(Candidate(s, sequence_log_prob(model, s, prompt)) for s in pool)
    best = max(candidates, key=lambda c: (c.score(alpha), c.log_prob))
    return candidates, best, tuple(seen[s] for s in pool)


def _check(model: Model, beam_size: int, max_length: int, prompt) -> None:
    if beam_size < 1 or max_length < 1:
        raise ValueError("beam size and maximum length must be at least 1")
    for token in prompt:
        if token not in model.vocab:
            raise ValueError(f"the prompt's token {token!r} is not in the vocabulary")
    if not eos_reachable(model, tuple(prompt)):
        raise ValueError(
            f"the end token {model.eos!r} can never be generated: every "
            "context reachable from the prompt gives it probability 0"
        )


def eos_reachable(model: Model, prompt: tuple[str, ...] = (), limit: int = 100_000) -> bool:
    """Whether some continuation of ``prompt`` gives the end token a positive
    probability. The next-token row depends only on the last M tokens (M, the
    longest context), so a search over those states decides it (given up, as
    reachable, past ``limit`` states)."""
    e = model.vocab.index(model.eos)
    if not any(row[e] > 0 for row in model.table.values()):
        return False
    m = max(len(c) for c in model.table)
    whole = ((model.bos,) if model.bos else ()) + tuple(prompt)
    start = whole[len(whole) - m :] if m else ()
    seen, frontier = {start}, [start]
    while frontier:
        state = frontier.pop()
        probs = model.row(state)
        if probs[e] > 0:
            return True
        for v, p in zip(model.vocab, probs, strict=True):
            nxt = (state + (v,))[-m:] if m else ()
            if p > 0 and nxt not in seen:
                if len(seen) >= limit:
                    return True
                seen.add(nxt)
                frontier.append(nxt)
    return False


def _log(p: float) -> float:
    return math.log(p) if p > 0 else -math.inf


def _mark_chosen(nodes: list[Node], candidate_nodes, candidates, best) -> None:
    for node_id, c in zip(candidate_nodes, candidates, strict=True):
        if c is best and node_id >= 0:
            nodes[node_id] = replace(nodes[node_id], status="chosen")


def beam_search(
    model: Model,
    *,
    beam_size: int,
    max_length: int,
    alpha: float = 0.75,
    prompt: tuple[str, ...] = (),
) -> BeamResult:
    """d2l's beam search: at every step keep the k best of the live beams'
    k·|V| extensions (by cumulative log-probability). A kept extension that
    ends with the end token is a finished hypothesis: a candidate, never
    extended (its beam is not refilled). The beams still live at the maximum
    length are candidates too. The answer maximises (1/L^α)·Σ log P over the
    candidates, so with one beam the answer is greedy search's."""
    _check(model, beam_size, max_length, prompt)
    beams: list[tuple[tuple[str, ...], float, int]] = [((), 0.0, -1)]  # tokens, cum, node
    nodes: list[Node] = []
    candidates_seen = []
    step = 0
    for step in range(1, max_length + 1):
        options = []
        for tokens, cum, parent in beams:
            probs = model.next_probs(tuple(prompt) + tokens)
            for v, p in zip(model.vocab, probs, strict=True):
                lp = _log(p)
                options.append((tokens + (v,), cum + lp, parent, v, lp))
        order = sorted(range(len(options)), key=lambda i: -options[i][1])
        keep = {i for i in order[:beam_size] if options[i][1] > -math.inf}
        beams = []
        for i, (tokens, cum, parent, v, lp) in enumerate(options):
            status = "pruned"
            if i in keep:
                status = "finished" if v == model.eos else "kept"
            node = Node(len(nodes), parent, v, lp, cum, step, status)
            nodes.append(node)
            if status == "finished":
                candidates_seen.append((tokens, node.id))
            elif status == "kept":
                beams.append((tokens, cum, node.id))
        beams.sort(key=lambda b: -b[1])
        if not beams:
            break
    # the beams still running at the maximum length end there
    for tokens, _, node in beams:
        nodes[node] = replace(nodes[node], status="finished")
        candidates_seen.append((tokens, node))
    candidates, best, ends = final_choice(model, candidates_seen, alpha, prompt)
    _mark_chosen(nodes, ends, candidates, best)
    return BeamResult(
        tuple(nodes),
        candidates,
        best,
        alpha,
        model.eos,
        "d2l",
        ends,
        step,
        beam_size,
        tuple(prompt),
    )


EARLY_STOPPING = {"true": True, "false": False, "never": "never"}
_NEG = -1.0e9  # transformers' stand-in for "impossible"


def _top(values: Array, k: int) -> Array:
    """Indices of the k largest, largest first, ties to the lower index."""
    return np.argsort(-values, kind="stable")[:k]


def beam_search_hf(
    model: Model,
    *,
    beam_size: int,
    max_length: int,
    alpha: float = 1.0,
    prompt: tuple[str, ...] = (),
    early_stopping: bool | str = False,
) -> BeamResult:
    """Hugging Face transformers' beam search (``generate(num_beams=k)``,
    one end token), step by step as transformers 5 runs it: from the k·|V|
    extensions take the 2k best; of those, end-token ones ranked within the
    top k become finished hypotheses, scored Σ log P / (generated length)^α,
    and the best k others run on; at the last step every top-k one finishes.
    ``early_stopping``: True stops once k hypotheses are finished; False stops
    when the best running beam, at its current length, cannot beat the worst
    finished one; "never" makes that bound exact (length L when α > 0).
    Placeholders with score −10⁹ stand in, as there, for missing beams.
    With one beam, ``generate`` runs greedy search, and so does this."""
    _check(model, beam_size, max_length, prompt)
    if early_stopping not in (True, False, "never"):
        raise ValueError("early_stopping is True, False or 'never'")
    if beam_size == 1:
        return _greedy_tree(model, max_length, alpha, tuple(prompt))
    k, vocab, eos = beam_size, model.vocab, model.eos
    e = vocab.index(eos)
    width = len(vocab)
    run_tokens: list[tuple[str, ...]] = [()] * k
    run_scores = np.array([0.0] + [_NEG] * (k - 1))
    run_node = [-1] * k
    run_real = np.array([True] + [False] * (k - 1))
    fin_tokens: list[tuple[str, ...]] = [()] * k
    fin_scores = np.full(k, _NEG)
    fin_done = np.zeros(k, bool)
    fin_node = [-1] * k
    fin_logp = np.zeros(k)
    heuristic_unsatisfied = True
    nodes: list[Node] = []
    step = 0
    for step in range(1, max_length + 1):
        logp = np.array(
            [[_log(p) for p in model.next_probs(tuple(prompt) + t)] for t in run_tokens]
        )
        acc = (logp + run_scores[:, None]).ravel()
        top = _top(acc, 2 * k)
        beam_of, token_of = top // width, top % width
        hits = (token_of == e) | (step == max_length)
        # the running beams for the next step: the best k of the 2k that did not stop
        nxt = _top(acc[top] + hits * _NEG, k)
        # new hypotheses: stopped ones ranked within the top k
        did = hits & (np.arange(2 * k) < k)
        scores = acc[top] / step**alpha
        if fin_done.all() and early_stopping is True:
            scores = scores + _NEG
        if not heuristic_unsatisfied:
            scores = scores + _NEG
        scores = scores + (~did) * _NEG
        merged = _top(np.concatenate([fin_scores, scores]), k)
        # the tree: every extension of a real beam, in transformers' flat order
        ids = {}
        for b in range(k):
            if not run_real[b]:
                continue
            for v in range(width):
                i = b * width + v
                lp = float(logp[b, v])
                ids[i] = len(nodes)
                nodes.append(
                    Node(len(nodes), run_node[b], vocab[v], lp, float(acc[i]), step, "pruned")
                )
        new_fin = [j for j in merged if j >= k and did[j - k]]
        for j in new_fin:
            i = int(top[j - k])
            if i in ids:
                nodes[ids[i]] = replace(nodes[ids[i]], status="finished")
        tokens_top = [run_tokens[b] + (vocab[v],) for b, v in zip(beam_of, token_of, strict=True)]
        real_top = run_real[beam_of]
        node_top = [ids.get(int(i), -1) for i in top]
        for j in nxt:
            if real_top[j] and not hits[j] and node_top[j] >= 0:
                nodes[node_top[j]] = replace(nodes[node_top[j]], status="kept")
        # ``merged`` indexes the finished hypotheses followed by the 2k new ones
        fin_tokens = [(fin_tokens + tokens_top)[j] for j in merged]
        fin_node = [(fin_node + node_top)[j] for j in merged]
        fin_logp = np.concatenate([fin_logp, acc[top]])[merged]
        fin_scores = np.concatenate([fin_scores, scores])[merged]
        fin_done = np.concatenate([fin_done, did])[merged]
        run_tokens = [tokens_top[j] for j in nxt]
        run_scores = (acc[top] + hits * _NEG)[nxt]
        run_node = [node_top[j] for j in nxt]
        run_real = real_top[nxt] & ~hits[nxt]
        # after the step: can a running beam still beat the worst finished one?
        length = max_length if early_stopping == "never" and alpha > 0 else step
        best_possible = run_scores[0] / length**alpha
        worst = np.where(fin_done, fin_scores.min(), _NEG)
        heuristic_unsatisfied = heuristic_unsatisfied and bool(np.any(best_possible > worst))
        open_beam = not (fin_done.all() and early_stopping is True)
        if not (heuristic_unsatisfied and open_beam and not hits.all()):
            break
    real = [j for j in range(k) if fin_done[j] and fin_node[j] >= 0]
    candidates = tuple(Candidate(fin_tokens[j], float(fin_logp[j])) for j in real)
    if not candidates:
        raise ValueError("no hypothesis finished")
    best = candidates[0]
    ends = tuple(fin_node[j] for j in real)
    _mark_chosen(nodes, ends, candidates, best)
    return BeamResult(
        tuple(nodes), candidates, best, alpha, eos, "hf", ends, step, k, tuple(prompt)
    )


def _greedy_tree(model: Model, max_length: int, alpha: float, prompt) -> BeamResult:
    """Greedy search as a tree: the most probable token kept, the rest pruned."""
    nodes: list[Node] = []
    tokens: tuple[str, ...] = ()
    parent, cum, step = -1, 0.0, 0
    for step in range(1, max_length + 1):
        probs = model.next_probs(prompt + tokens)
        best = int(np.argmax(probs))
        for v, p in enumerate(probs):
            status = "pruned" if v != best else "kept"
            lp = _log(p)
            nodes.append(Node(len(nodes), parent, model.vocab[v], lp, cum + lp, step, status))
        parent = len(nodes) - len(probs) + best
        cum += _log(probs[best])
        tokens += (model.vocab[best],)
        if tokens[-1] == model.eos:
            break
    nodes[parent] = replace(nodes[parent], status="chosen")
    best_candidate = Candidate(tokens, cum)
    return BeamResult(
        tuple(nodes),
        (best_candidate,),
        best_candidate,
        alpha,
        model.eos,
        "hf",
        (parent,),
        step,
        1,
        prompt,
    )


def greedy(model: Model, *, max_length: int, alpha: float = 0.75, prompt=()) -> Candidate:
    """Take the most probable next token until the end token or the length."""
    return _greedy_tree(model, max_length, alpha, tuple(prompt)).best


def exhaustive(model: Model, *, max_length: int, alpha: float = 0.75, prompt=()) -> Candidate:
    """The best of every hypothesis a beam could return, by the same score:
    every sequence that ends with its first end token, within ``max_length``,
    and every sequence of exactly ``max_length`` tokens without one (refused
    past a million sequences). No beam search can score higher."""
    if len(model.vocab) ** max_length > MAX_EXHAUSTIVE:
        raise ValueError(
            f"|V|^L = {len(model.vocab)}^{max_length} is more than {MAX_EXHAUSTIVE:,} sequences"
        )
    others = [v for v in model.vocab if v != model.eos]
    sequences = [
        (tuple(s) + (model.eos,), -1)
        for n in range(max_length)
        for s in itertools.product(others, repeat=n)
    ]
    sequences += [(tuple(s), -1) for s in itertools.product(others, repeat=max_length)]
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


def ngram_model(
    text: str, order: int, smoothing: float = 1.0, eos: str = "<eos>", bos: str = "<bos>"
) -> Model:
    """An n-gram model of ``text`` (one sentence per line, the start token
    before and the end token after each, as d2l's language models mark them)
    with d2l's Laplace smoothing, each order interpolated with the one below:
    P(x | c) = (n(c, x) + ε·P(x | c minus its first token)) / (n(c) + ε), down
    to P(x) = (n(x) + ε/|V|) / (n + ε). The start token is context only: it is
    never generated, and every search starts after it."""
    if order < 1:
        raise ValueError("the order must be at least 1")
    if not smoothing >= 0:
        raise ValueError("the smoothing ε must be ≥ 0")
    sentences = [[bos, *line.split(), eos] for line in text.splitlines() if line.split()]
    if not sentences:
        raise ValueError("the corpus has no words")
    words = {t for s in sentences for t in s[1:]}
    if bos in words:
        raise ValueError(f"the corpus uses the start token {bos!r} as a word")
    vocab = tuple(sorted(words - {eos})) + (eos,)
    index = {t: i for i, t in enumerate(vocab)}
    counts: dict[tuple[str, ...], np.ndarray] = {}
    for sentence in sentences:
        for i, token in enumerate(sentence):
            if i == 0:  # the start token is never predicted
                continue
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
    return Model(vocab, eos, table, bos if order > 1 else "")


BUILTIN_CORPUS = """the cat sat on the mat
the dog sat on the log
the cat saw the dog
a dog saw a cat on the mat
the cat ran
"""


# --------------------------------------------------------------------------- the spec

CONVENTIONS = ("d2l", "hf")
COLLAPSE = {"auto": None, "always": True, "never": False}


def model_to_dict(model: Model) -> dict:
    """The inverse of ``model_from_dict``: every context's full row."""
    return {
        "vocab": list(model.vocab),
        "eos": model.eos,
        **({"bos": model.bos} if model.bos else {}),
        "next": {
            " ".join(c): dict(zip(model.vocab, map(float, row), strict=True))
            for c, row in model.table.items()
        },
    }


@dataclass(frozen=True)
class BeamSpec:
    """Every effective parameter of ``dlviz beam``.

    model: the next-token table that ran ({"vocab", "eos", "next"}); corpus:
    "builtin", the corpus file it was trained on, or "" (a model file or d2l's
    example), with order and smoothing ε of the n-gram model; length_penalty:
    α; early_stopping: transformers' setting (hf; "false" under d2l, where it
    does not apply); collapse: auto, always or never.
    """

    model: Mapping
    corpus: str
    order: int  # 0: no corpus, no n-gram model
    smoothing: float
    beam_size: int
    max_length: int
    length_penalty: float
    prompt: tuple[str, ...]
    convention: str
    early_stopping: str
    collapse: str
    edge_labels: str = "prob"  # what the kept edges carry: prob, logprob or both

    def cost(self):
        """The tree's nodes: each step extends at most k kept hypotheses by
        every token, Σ_t min(k, |V|^(t−1))·|V|; past what a figure can show
        and a laptop draws in about a minute, the nearest shorter search."""
        return self._too_many_nodes(MAX_NODES)

    def animation_cost(self):
        """A filmed tree draws and moves every node: at most MAX_FILMED_NODES."""
        return self._too_many_nodes(MAX_FILMED_NODES, " to film")

    def nodes(self, length: int | None = None) -> int:
        """At most this many nodes in the tree of a search ``length`` long."""
        v, k = len(self.model["vocab"]), self.beam_size
        return sum(min(k, v ** (t - 1)) * v for t in range(1, (length or self.max_length) + 1))

    def _too_many_nodes(self, most: int, purpose: str = ""):
        from dlviz.compute.cost import TooBig, amount

        if self.nodes() <= most:
            return None
        shorter = max((n for n in range(1, self.max_length) if self.nodes(n) <= most), default=1)
        return TooBig(
            "max_length",
            self.max_length,
            f"a tree of about {amount(self.nodes())} nodes",
            f"at most ~{amount(most)}{purpose} here",
            {"max_length": shorter},
        )


MAX_NODES = 20_000  # tree nodes a figure can show and a laptop draws in about a minute
MAX_FILMED_NODES = 300  # nodes a video keeps legible and films in about a minute

EDGE_LABELS = ("prob", "logprob", "both")


def make_spec(
    *,
    model: Mapping | None = None,
    corpus: str = "",
    corpus_text: str | None = None,
    order: int | None = None,
    smoothing: float | None = None,
    beam_size: int = 2,
    max_length: int = 4,
    length_penalty: float | None = None,
    prompt=(),
    convention: str = "d2l",
    early_stopping: str = "false",
    collapse: str = "auto",
    edge_labels: str = "prob",
) -> BeamSpec:
    """The spec with every default resolved; a bad value raises ``SpecError``.
    The model is ``model`` (a table as ``model_from_dict`` reads it), else an
    n-gram model of ``corpus_text`` (or the built-in corpus), else d2l's example."""
    check(not (model and corpus_text), "corpus", corpus, "give either --model or --corpus")
    for name, value in (("order", order), ("smoothing", smoothing)):
        ok = value is None or bool(corpus) or value == 0  # 0: a replayed spec's "no n-gram"
        check(ok, name, value, "shapes an n-gram model: add --corpus")
    if corpus:
        order = whole("order", 2 if order is None else order, 1, 6)
        smoothing = number("smoothing", 1.0 if smoothing is None else smoothing, 0.0)
    else:  # no corpus, no n-gram model: both 0
        order, smoothing = 0, 0.0
    if model:
        try:
            lm = model_from_dict(model)[0]
        except ValueError as exc:
            raise SpecError("model", "…", str(exc).splitlines()[0]) from None
    elif corpus:
        text = BUILTIN_CORPUS if corpus == "builtin" else corpus_text
        check(text is not None, "corpus", corpus, "no such file (or use 'builtin')")
        try:
            lm = ngram_model(text, order, smoothing)
        except ValueError as exc:
            raise SpecError("corpus", corpus, str(exc)) from None
    else:
        lm = model_from_dict(D2L_EXAMPLE)[0]
    choice("convention", convention, CONVENTIONS)
    choice("collapse", collapse, tuple(COLLAPSE))
    choice("edge_labels", edge_labels, EDGE_LABELS)
    choice("early_stopping", early_stopping, tuple(EARLY_STOPPING))
    check(
        convention == "hf" or early_stopping == "false",
        "early_stopping",
        early_stopping,
        "applies to --convention hf",
    )
    alpha = (0.75 if convention == "d2l" else 1.0) if length_penalty is None else length_penalty
    alpha = number("length_penalty", alpha, -10, 10)
    prompt = tuple(prompt.split()) if isinstance(prompt, str) else tuple(prompt)
    for token in prompt:
        check(
            token in lm.vocab,
            "prompt",
            " ".join(prompt),
            f"the prompt's token {token!r} is not in the vocabulary",
        )
    check(
        eos_reachable(lm, prompt),
        "model",
        "…",
        "the end token can never be generated: every context reachable from the prompt "
        "gives it probability 0",
    )
    return BeamSpec(
        model_to_dict(lm),
        corpus,
        order,
        smoothing,
        whole("beam_size", beam_size, 1, 64),
        whole("max_length", max_length, 1, 32),
        alpha,
        prompt,
        convention,
        early_stopping,
        collapse,
        edge_labels,
    )


def model_of(spec: BeamSpec) -> Model:
    """The model ``spec`` holds."""
    return model_from_dict(spec.model)[0]


def run(spec: BeamSpec) -> BeamResult:
    """The search ``spec`` describes, with greedy and (when |V|^L is at most
    MAX_EXHAUSTIVE) exhaustive search's answers, holding ``spec``."""
    lm, k, n, alpha, prompt = (
        model_of(spec),
        spec.beam_size,
        spec.max_length,
        spec.length_penalty,
        spec.prompt,
    )
    if spec.convention == "hf":
        result = beam_search_hf(
            lm,
            beam_size=k,
            max_length=n,
            alpha=alpha,
            prompt=prompt,
            early_stopping=EARLY_STOPPING[spec.early_stopping],
        )
    else:
        result = beam_search(lm, beam_size=k, max_length=n, alpha=alpha, prompt=prompt)
    answers = {"greedy": greedy(lm, max_length=n, prompt=prompt), "beam": result.best}
    if len(lm.vocab) ** n <= MAX_EXHAUSTIVE:
        answers["exhaustive"] = exhaustive(lm, max_length=n, alpha=alpha, prompt=prompt)
    return replace(result, answers=answers, spec=spec)


def result_json(result: BeamResult) -> dict:
    """What ``--data`` exports beside the parameters: every node of the tree,
    the candidates, the answer and greedy (and exhaustive) search's."""
    answers = result.answers

    def entry(c):
        return {"tokens": c.tokens, "log_prob": c.log_prob, "score": c.score(result.alpha)}

    nodes = [
        {
            "id": n.id,
            "parent": n.parent,
            "token": n.token,
            "log_prob": n.log_prob,
            "cum_log_prob": n.cum_log_prob,
            "score": n.score(result.alpha),
            "step": n.step,
            "status": n.status,
        }
        for n in result.nodes
    ]
    out = {
        "convention": result.convention,
        "alpha": result.alpha,
        "tree": nodes,
        "candidates": [entry(c) for c in result.candidates],
        "best": entry(result.best),
        "greedy": entry(answers["greedy"]),
    }
    if "exhaustive" in answers:
        out["exhaustive"] = entry(answers["exhaustive"])
    return out
