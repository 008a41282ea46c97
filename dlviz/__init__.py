"""dlviz: pictures and lecture videos for deep-learning concepts."""

from __future__ import annotations

__version__ = "0.1.0"
