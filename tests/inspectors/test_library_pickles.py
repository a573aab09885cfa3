"""Ordinary library pickles (scikit-learn estimators, joblib files, Trainer's training_args.bin) are
notes listing their classes; anything with side effects stays an error whatever module it hides behind."""

from __future__ import annotations

import io
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path

import joblib
import numpy
import pytest

from tests.inspectors.fixtures import (
    BUILD, EMPTY_DICT, EMPTY_TUPLE, MARK, NONE, PROTO2, REDUCE, SETITEM, STOP, TUPLE, call_global, global_op,
    library_objects, stand_in_modules, system_call, torch_zip, unicode,
)
from tests.inspectors.helpers import judge, kinds, messages
from hubguard.findings import Level, Location
from hubguard.inspectors import Verdict, inspect_source, verdict_findings, BytesSource
from hubguard.inspectors.policy import Policy

LOCATION = Location("model.joblib")
JOBLIB_COMPRESSIONS = [0, 3, ("gzip", 3), ("bz2", 3), ("lzma", 3), ("xz", 3), ("zlib", 3)]


@pytest.fixture
def libraries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """Stand-in library objects whose classes stay importable during inspection; the canary proves
    none was constructed or given state."""
    canary = tmp_path / "canary"
    for name, module in stand_in_modules(canary).items():
        monkeypatch.setitem(sys.modules, name, module)
    yield library_objects({name: sys.modules[name] for name in sys.modules if name.startswith(("sklearn", "transformers"))})
    assert not canary.exists()


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("name", ["logistic", "pipeline", "forest"])
def test_estimators_from_pickle_are_notes_listing_their_classes(libraries: dict[str, object], name: str,
                                                                protocol: int) -> None:
    verdict = judge(pickle.dumps(libraries[name], protocol=protocol), f"{name}.pkl")
    assert verdict.verdict is Verdict.REVIEWED, messages(verdict)
    [finding] = verdict_findings(verdict, LOCATION)
    assert finding.rule_id == "HG403" and finding.level is Level.NOTE
    assert "sklearn." in finding.message and "reviewed library classes" in finding.message
    assert all(entry.startswith("sklearn.") for entry in finding.properties["reviewedClasses"])


@pytest.mark.parametrize("compress", JOBLIB_COMPRESSIONS, ids=str)
def test_estimators_from_joblib_are_notes(libraries: dict[str, object], compress: object) -> None:
    buffer = io.BytesIO()
    joblib.dump(libraries["forest"], buffer, compress=compress)
    verdict = judge(buffer.getvalue(), "model.joblib")
    assert verdict.verdict is Verdict.REVIEWED, messages(verdict)
    assert "sklearn.tree._tree.Tree" in verdict.imports


def test_training_args_bin_is_a_note(libraries: dict[str, object]) -> None:
    data = torch_zip(pickle.dumps(libraries["training_args"], protocol=2), folder="training_args")
    verdict = judge(data, "training_args.bin")
    assert verdict.verdict is Verdict.REVIEWED and verdict.format == "torch-zip", messages(verdict)
    [finding] = verdict_findings(verdict, LOCATION)
    assert finding.properties["reviewedClasses"] == [
        "transformers.trainer_utils.IntervalStrategy", "transformers.trainer_utils.SchedulerType",
        "transformers.training_args.OptimizerNames", "transformers.training_args.TrainingArguments",
    ]


def test_plain_stdlib_values_stay_clean() -> None:
    import collections
    import datetime
    import decimal
    import fractions
    import uuid

    value = {"when": datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc), "d": datetime.date(2024, 1, 1),
             "t": datetime.time(3, 4), "span": datetime.timedelta(days=2), "price": decimal.Decimal("1.10"),
             "ratio": fractions.Fraction(1, 3), "id": uuid.UUID(int=7), "counts": collections.Counter("aab"),
             "queue": collections.deque([1]), "ordered": collections.OrderedDict(a=1)}
    for protocol in range(6):
        assert judge(pickle.dumps(value, protocol=protocol)).verdict is Verdict.SAFE


@pytest.mark.parametrize("data", [
    call_global("sklearn.utils._testing", "assert_run_python_script", unicode("import os")),
    call_global("sklearn.linear_model._logistic", "os.system", unicode("id"), protocol=4),
    call_global("sklearn.datasets", "fetch_openml", unicode("x")),
    call_global("transformers.dynamic_module_utils", "get_class_from_dynamic_module", unicode("x")),
    call_global("mylib.utils", "Popen", unicode("id")),
    PROTO2 + global_op("sklearn.pipeline", "Pipeline") + EMPTY_DICT + unicode("x") + NONE + SETITEM + BUILD + STOP,
], ids=["sklearn-testing", "dotted-os-system", "sklearn-fetch", "dynamic-module", "popen-reexport", "build-on-class"])
def test_side_effects_stay_errors_whatever_module_they_hide_behind(data: bytes) -> None:
    assert judge(data).verdict is Verdict.MALICIOUS, messages(judge(data))


def test_a_reviewed_class_never_hides_a_payload(libraries: dict[str, object]) -> None:
    data = pickle.dumps([libraries["logistic"]], protocol=2)[:-2] + system_call("id", 2)[2:-1] + b"a."
    assert judge(data).verdict is Verdict.MALICIOUS


PROJECT_CLASS = PROTO2 + global_op("mylib.models", "Net") + EMPTY_TUPLE + REDUCE + STOP


@pytest.mark.parametrize("entries,expected", [
    ((), Verdict.SUSPICIOUS),
    (("mylib.models:Net",), Verdict.REVIEWED),
    (("mylib.models:*",), Verdict.REVIEWED),
    (("mylib.models:Other",), Verdict.SUSPICIOUS),
    (("mylib:*",), Verdict.SUSPICIOUS),  # a module wildcard covers that module only
])
def test_projects_extend_the_allowlist(entries: tuple[str, ...], expected: Verdict) -> None:
    verdict = inspect_source(BytesSource("net.pkl", PROJECT_CLASS), policy=Policy.from_entries(entries))
    assert verdict.verdict is expected


def test_a_project_wildcard_never_covers_dangerous_names() -> None:
    data = call_global("mylib.models", "os.system", unicode("id"), protocol=4)
    verdict = inspect_source(BytesSource("x.pkl", data), policy=Policy.from_entries(["mylib.models:*"]))
    assert verdict.verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("entry", ["os:system", "subprocess:*", "builtins:getattr", "numpy:load", "mylib", "a b:c"])
def test_dangerous_or_malformed_allowlist_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError):
        Policy.from_entries([entry])


def test_joblib_record_arrays_with_object_fields_are_scanned(tmp_path: Path) -> None:

    class Evil:
        def __reduce__(self) -> tuple[object, ...]:
            import os

            return (os.system, (f"touch {tmp_path / 'canary'}",))

    records = numpy.array([(1.0, Evil())], dtype=[("a", "<f4"), ("b", "O")])
    plain = numpy.zeros(3, dtype=[("left", "<i8"), ("threshold", "<f8")])
    buffer = io.BytesIO()
    joblib.dump({"plain": plain, "records": records}, buffer)
    assert judge(buffer.getvalue(), "model.joblib").verdict is Verdict.MALICIOUS
    assert not (tmp_path / "canary").exists()
