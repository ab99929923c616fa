"""The workshop dashboard: a Solara app on Mesa's SolaraViz (``desmig-sim dashboard``).

Modules: :mod:`.controls` (controls generated from the scenario schema, applying changes),
:mod:`.presets` (the scenario files offered), :mod:`.village` (the village view),
:mod:`.charts` (live and compare charts), :mod:`.compare` (the compare computation),
:mod:`.about` (the "About the model" text), :mod:`.app` (the page) and :mod:`.server` (starting
it). The model never imports this package; only :mod:`.app` and :mod:`.charts` need the dashboard
dependencies (``solara`` and the packages Mesa's SolaraViz imports).
"""
