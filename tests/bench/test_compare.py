"""bench.compare alternates code trees on the same bench databases; its choice of databases and its medians.
No timing is asserted here."""

from bench import compare
from bench.search import SQLITE_PATH


def test_it_measures_the_bench_databases_that_bench_search_leaves(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://root@127.0.0.1:5432/test")
    monkeypatch.delenv("SPRO_COMPARE_DATABASES", raising=False)
    assert compare.databases() == {
        "sqlite": f"sqlite:///{SQLITE_PATH}",
        "postgresql": "postgres://root@127.0.0.1:5432/test_bench_search",
    }
    monkeypatch.setenv("SPRO_COMPARE_DATABASES", "sqlite")
    assert list(compare.databases()) == ["sqlite"]
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/spro.sqlite3")
    monkeypatch.setenv("SPRO_COMPARE_DATABASES", "sqlite,postgresql")
    assert list(compare.databases()) == ["sqlite"]  # no PostgreSQL to compare on


def test_a_figure_s_median_leaves_out_the_runs_that_have_none():
    runs = [{"page_p95_ms": 20.0}, {"page_p95_ms": None}, {"page_p95_ms": 16.0}, {"page_p95_ms": 17.0}]
    assert compare.median(runs, lambda run: run["page_p95_ms"]) == 17.0
    assert compare.median([{"page_p95_ms": None}], lambda run: run["page_p95_ms"]) is None
