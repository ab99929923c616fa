"""Layer 2, configuration: the parameter ledger, scenario files, dated events, villages, component settings.

Validated at the boundary into frozen typed objects. Imports only :mod:`desmig_sim.core`.
"""
