"""`make bench`: run every benchmark in turn."""

import sys

from bench import demo_load

if __name__ == "__main__":
    sys.exit(demo_load.main(sys.argv[1:]))
