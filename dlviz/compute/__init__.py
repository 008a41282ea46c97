"""Pure NumPy computations: one module per topic, no plotting, no files."""
