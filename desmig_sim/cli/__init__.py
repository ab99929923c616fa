"""Layer 8, the command line (``desmig-sim``).

A thin face: it parses, calls one function of a layer below and prints.
"""
