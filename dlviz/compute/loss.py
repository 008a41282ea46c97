"""From likelihood to loss (UDL ch. 5; d2l's information theory): each loss
as the negative log-likelihood of a probability model, and the link
between cross-entropy, entropy and KL divergence.

- Gaussian (regression): −log N(y | μ, σ²) = (y − μ)²/(2σ²) + log σ + ½ log 2π;
  with one fixed σ the sum is, up to constants, the sum of squares.
- Bernoulli (binary): λ = sigmoid(f), −log P(y) = −y log λ − (1 − y) log(1 − λ),
  computed from the logit f without forming λ (stable for |f| up to 10⁴ and beyond).
- Categorical (multiclass): softmax of the logits with log-sum-exp;
  −log softmax(f)_y, optionally with label smoothing ε as PyTorch defines it.
- Information: H(p) = −Σ p log p, H(p, q) = −Σ p log q,
  KL(p‖q) = H(p, q) − H(p) = Σ p log(p/q), with 0 log 0 = 0.

Only the computation so far: numbers in, numbers out.
"""

from __future__ import annotations

import math

import numpy as np

Array = np.ndarray
LOG_2PI = math.log(2.0 * math.pi)


def gaussian_nll(y: Array, mu: Array, sigma: Array) -> Array:
    """−log N(y | μ, σ²) per point (the 'full' NLL, ½ log 2π included); σ > 0."""
    y, mu, sigma = (np.asarray(v, float) for v in (y, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("σ must be > 0: a Gaussian of σ = 0 has no density")
    return 0.5 * ((y - mu) / sigma) ** 2 + np.log(sigma) + 0.5 * LOG_2PI


def gaussian_likelihood(y: Array, mu: Array, sigma: Array) -> Array:
    """N(y | μ, σ²) per point."""
    return np.exp(-gaussian_nll(y, mu, sigma))


def log_sigmoid(f: Array) -> Array:
    """log sigmoid(f) = −log(1 + e^(−f)), stable for any |f|."""
    f = np.asarray(f, float)
    return -np.logaddexp(0.0, -f)


def sigmoid(f: Array) -> Array:
    """λ = 1 / (1 + e^(−f)), without overflow for large |f|."""
    return np.exp(log_sigmoid(f))


def bernoulli_nll(y: Array, f: Array) -> Array:
    """−log P(y | λ = sigmoid(f)) per point, y in {0, 1} (or a probability):
    binary cross-entropy from the logit f."""
    y, f = np.asarray(y, float), np.asarray(f, float)
    return -(y * log_sigmoid(f) + (1.0 - y) * log_sigmoid(-f))


def log_softmax(logits: Array, axis: int = -1) -> Array:
    """log softmax with the log-sum-exp shift: finite for logits up to ±10⁴ and beyond."""
    z = np.asarray(logits, float)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(logits: Array, axis: int = -1, temperature: float = 1.0) -> Array:
    """softmax(f / T)."""
    if not temperature > 0:
        raise ValueError("the temperature must be > 0")
    return np.exp(log_softmax(np.asarray(logits, float) / temperature, axis=axis))


def categorical_nll(logits: Array, labels: Array, smoothing: float = 0.0) -> Array:
    """−log softmax(f)_y per example (rows are examples); with label
    smoothing ε the target is (1 − ε)·onehot(y) + ε/C, as PyTorch's
    ``cross_entropy(label_smoothing=ε)``."""
    if not 0.0 <= smoothing <= 1.0:
        raise ValueError("label smoothing is in [0, 1]")
    logp = log_softmax(np.atleast_2d(logits))
    labels = np.asarray(labels, int).reshape(-1)
    picked = -logp[np.arange(len(labels)), labels]
    if smoothing == 0.0:
        return picked
    return (1.0 - smoothing) * picked - smoothing * logp.mean(axis=1)


def _distribution(p: Array) -> Array:
    p = np.asarray(p, float)
    if p.ndim != 1 or p.size == 0 or np.any(p < 0) or not np.isclose(p.sum(), 1.0, atol=1e-9):
        raise ValueError("a distribution is ≥ 0 everywhere and sums to 1")
    return p


def entropy(p: Array) -> float:
    """H(p) = −Σ p log p in nats (0 log 0 = 0)."""
    p = _distribution(p)
    nz = p > 0
    return float(-np.sum(p[nz] * np.log(p[nz])))


def _on_support(p: Array, q: Array) -> tuple[Array, Array] | None:
    """p and q where p > 0 (0 log 0 = 0), or None where q is 0 and p is not
    (there −Σ p log q is infinite)."""
    p, q = _distribution(p), _distribution(q)
    nz = p > 0
    return None if np.any(q[nz] == 0) else (p[nz], q[nz])


def cross_entropy(p: Array, q: Array) -> float:
    """H(p, q) = −Σ p log q in nats; ∞ where q is 0 and p is not."""
    support = _on_support(p, q)
    if support is None:
        return math.inf
    p, q = support
    return float(-np.sum(p * np.log(q)))


def kl_divergence(p: Array, q: Array) -> float:
    """KL(p‖q) = Σ p log(p/q) in nats, computed directly (not as a difference)."""
    support = _on_support(p, q)
    if support is None:
        return math.inf
    p, q = support
    return float(np.sum(p * (np.log(p) - np.log(q))))
