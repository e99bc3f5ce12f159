"""The baselines of `bench/paths.py` agree with the engine on a tiny demo network.

The benchmark only means something if its SQL self-join and its networkx
enumeration find the same top 10 as `PathEngine.top_paths`; this checks that on
the smallest demo (2,000 persons) for a handful of pairs, in a few seconds.
"""

import random

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from bench import paths as bench
from kaffebro.network.demo.build import MIN_PEOPLE, build_demo
from kaffebro.paths.engine import PathEngine

pytestmark = pytest.mark.django_db

PAIRS = 8


@pytest.fixture(autouse=True)
def development_server(settings):
    """pytest-django runs tests with DEBUG off; the demo logins are for development servers."""
    settings.DEBUG = True


@pytest.fixture
def network():
    build_demo(
        people=MIN_PEOPLE,
        seed=bench.SEED,
        ties=bench.TIES_PER_PERSON * MIN_PEOPLE,
        member_share=bench.MEMBER_SHARE,
        connector_share=bench.CONNECTOR_SHARE,
    )
    today = timezone.localdate()
    bench.vary_connectors_and_blocks(today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")  # as the benchmark does: JIT compiles for seconds per query
    engine = PathEngine.from_database()
    index = engine.view.index
    pairs, _hubs = bench.choose_pairs(index, np.diff(index.indptr), random.Random(bench.SEED))
    return engine, pairs[:PAIRS], today


def test_the_sql_and_networkx_baselines_find_the_engines_top_10(network):
    engine, pairs, today = network
    seekers = {engine.view.node_of_person(pair.seeker) for pair in pairs}
    graph = bench.networkx_graph(engine.view.index, seekers)
    found_any, longest = 0, 0
    for pair in pairs:
        ours = engine.top_paths(pair.seeker, pair.spec, 10, today=today)
        scores = [path.score for path in ours]
        sql = bench.sql_top_paths(connection, pair.seeker, pair.spec, today)
        nx = bench.networkx_top_paths(graph, engine, pair.seeker, pair.spec, today)
        assert bench.same_scores(scores, [score for score, _ids in sql]), (pair, ours, sql)
        assert bench.same_scores(scores, [score for score, _ids in nx]), (pair, ours, nx)
        found_any += bool(ours)
        longest = max([longest, *(path.hops for path in ours)])
    assert found_any, "no pair found a path: the check would prove nothing"
    assert longest >= 2, "only direct paths: the joins of the baselines went unchecked"
