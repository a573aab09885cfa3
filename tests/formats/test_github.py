from __future__ import annotations

from pathlib import Path

from hubguard.findings import Finding, Level, Location, Notification, Region, ScanResult
from hubguard.formats import render
from tests.formats.samples import context, sample_result


def github(result: ScanResult, root: Path) -> list[str]:
    return render(result, "github", context(root)).splitlines()


def test_finding_line_format(tmp_path: Path) -> None:
    result = ScanResult(
        findings=[Finding("HG101", "Remote code.", Location("src/a.py", Region(3, 5, 3, 9)), Level.ERROR)]
    )
    assert github(result, tmp_path) == [
        "::error file=src/a.py,line=3,col=5,endLine=3,endColumn=9,title=HG101 remote-code-enabled::Remote code."
    ]


def test_levels_map_to_commands_and_suppressed_is_omitted(tmp_path: Path) -> None:
    lines = github(sample_result(tmp_path), tmp_path)
    assert sum(line.startswith("::error ") for line in lines) == 6
    assert (
        sum(
            line.startswith(("::warning file=src/train.py", "::warning file=src/with", "::warning file=notebooks"))
            for line in lines
        )
        == 9
    )
    assert any(line.startswith("::notice file=src/train.py,line=11,") for line in lines)
    assert not any("typo-org/model is not pinned" in line for line in lines)


def test_notifications(tmp_path: Path) -> None:
    lines = github(sample_result(tmp_path), tmp_path)
    assert "::notice title=hubguard hub-unreachable::huggingface.co did not answer" in lines
    assert "::warning file=src/broken.py,title=hubguard parse-error::could not parse: invalid syntax [line 3]" in lines


def test_escaping_of_data_and_properties(tmp_path: Path) -> None:
    result = ScanResult(
        findings=[
            Finding(
                "HG402",
                "100% bad\r\n::error::forged\x1b[31m",
                Location("dir,with:odd%chars.py", Region(1, 1, 1, 2)),
                Level.ERROR,
            )
        ],
        notifications=[Notification("line one\nline two", path="x,y.py")],
    )
    finding_line, notification_line = github(result, tmp_path)
    assert finding_line == (
        "::error file=dir%2Cwith%3Aodd%25chars.py,line=1,col=1,endLine=1,endColumn=2,"
        "title=HG402 dangerous-remote-code::100%25 bad%0D%0A::error::forged\\x1b[31m"
    )
    assert notification_line == "::warning file=x%2Cy.py,title=hubguard parse-error::line one%0Aline two"


def test_remote_primary_location_has_no_file_property(tmp_path: Path) -> None:
    url = "https://huggingface.co/org/m/blob/main/x.py"
    result = ScanResult(findings=[Finding("HG403", "Bad pickle.", Location(url, Region(1, 1, 1, 2)), Level.ERROR)])
    assert github(result, tmp_path) == ["::error title=HG403 malicious-pickle::Bad pickle."]


def test_clean_result_prints_nothing(tmp_path: Path) -> None:
    assert render(ScanResult(), "github", context(tmp_path)) == ""
