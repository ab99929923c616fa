"""Compatibility alias: ``desmig_sim.villages`` is the module :mod:`desmig_sim.config.villages`.

Scripts written before the layered layout import it from here. Part of the public face, like
:mod:`desmig_sim` itself: nothing inside the package imports it.
"""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("desmig_sim.config.villages")
