"""Layer 1, the core: calendar, named random streams, errors, statistics, provenance, atomic output.

Knows nothing of scenarios, the model or anything above it; every other layer may import it.
"""
