"""`make bench`: run every benchmark in turn and print each one's figures against its baseline."""

import importlib
import sys

from bench import demo_load, insights, paths

# `import` is a keyword, so the contact import benchmark is loaded by name.
contact_import = importlib.import_module("bench.import")

if __name__ == "__main__":
    statuses = [demo_load.main([]), contact_import.main([]), paths.main([]), insights.main([])]
    sys.exit(max(statuses))
