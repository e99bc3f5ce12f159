"""Fixtures of the path tests: the cast (Mette, Jonas, Sofie, Lars) lives in tests/conftest.py.

Random networks for the property tests are in `random_networks`, the networkx
reference of docs/paths.md in `oracle`.
"""
