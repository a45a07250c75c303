"""The covers marker: @pytest.mark.covers("GET /users/{id}", 404) says that the test produces
and checks that status of that operation (conftest.py fails the test if it does not)."""

import pytest

# The whole collected suite, kept before -k or -m deselect anything: coverage is a property of
# the suite, not of one run's selection.
COLLECTED_ITEMS = pytest.StashKey[list]()


def declared_coverage(item: pytest.Item) -> set[tuple[str, str, int]]:
    declared = set()
    for marker in item.iter_markers("covers"):
        method, path = marker.args[0].split(" ", 1)
        declared.update((method, path, int(status)) for status in marker.args[1:])
    return declared
