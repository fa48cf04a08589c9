"""A few hundred inputs of the fuzz run (`salve fuzz`, salve/evaluation/fuzz.py): no crash, no offset outside the text."""
from hypothesis import strategies as st

from salve.evaluation.fuzz import run_fuzz, run_target


def test_a_few_hundred_fuzz_inputs_crash_nothing(rules_nlp):
    outcomes = run_fuzz(rules_nlp, 400)
    assert set(outcomes) == {"quantity", "markup", "validator", "pipeline", "extract"}
    assert sum(o.inputs for o in outcomes.values()) >= 380  # hypothesis may run a few less when a strategy is exhausted
    for name, outcome in outcomes.items():
        assert outcome.inputs > 0, name
        assert outcome.crashes == [], (name, outcome.crashes[:3])
        assert outcome.bad_offsets == [], (name, outcome.bad_offsets[:3])


def test_the_fuzz_run_records_crashes_and_bad_offsets_and_goes_on():
    def check(number):
        if number % 7 == 3:
            raise ZeroDivisionError("boom")
        return ["offset outside"] if number % 7 == 5 else []

    outcome = run_target("toy", st.integers(0, 10 ** 6), check, 200)
    assert outcome.inputs == 200
    assert outcome.crashes and all("ZeroDivisionError: boom" in c["error"] for c in outcome.crashes)
    assert outcome.bad_offsets and all(b["problems"] == ["offset outside"] for b in outcome.bad_offsets)


def test_the_fuzz_run_is_deterministic():
    seen = [[], []]
    for values in seen:
        run_target("toy", st.text(max_size=20), lambda text, values=values: values.append(text) or [], 50)
    assert seen[0] == seen[1] and len(seen[0]) == 50
