"""The short crash loop `make test` runs (the long one is `make crashtest`)."""

import crashtest


def test_three_sigkill_cycles_lose_and_duplicate_nothing_acknowledged():
    crashtest.run(3)
