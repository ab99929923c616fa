"""Layer 6, experiments: replications, comparisons, sweeps and sensitivity analysis.

The replication runner and engine registry, paired comparisons, experiment files, designs,
sweeps, their store and executors, and sensitivity analysis.

Imports the model and the reference engine; never reporting or the faces.
"""
