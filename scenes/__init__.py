"""Manim lecture scenes, one module per topic; installed as ``dlviz.scenes``.

Each scene runs alone with its defaults, e.g.
``manim -ql scenes/landscape.py LandscapeScene``, and reads its parameters
from the class attribute ``params`` (the dlviz command line fills it in).
"""
