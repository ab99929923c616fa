"""``python -m desmig_sim``: the ``desmig-sim`` command line."""

import sys

from desmig_sim.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
