"""Layer 7, reporting: tables, plots, comparison reports and the generated parameter docs.

Imports the experiments and everything below; never the command line or the dashboard.
"""
