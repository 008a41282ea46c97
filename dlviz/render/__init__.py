"""matplotlib figures and animations: ``draw_*(ax, result)`` and ``plot_*(result)``."""
