"""Benchmarks of spro (`make bench` = `python -m bench`): each module has a `run()` returning its figures,
written to var/bench/<module>.json. Speed targets are checked here, never by timed unit tests."""
