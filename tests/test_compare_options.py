"""`salve compare --events`: component options given on the command line keep their JSON types."""
import pytest

from salve.training.compare import _option_value


@pytest.mark.parametrize("text, value", [
    ("true", True), ("False", False), ("0.4", 0.4), ('["TARGETS", "USES", "KILLED"]', ["TARGETS", "USES", "KILLED"]),
    ("salve_gazetteer", "salve_gazetteer"),
])
def test_option_values_are_read_as_json_else_kept_as_text(text, value):
    assert _option_value(text) == value
