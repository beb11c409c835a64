"""Spreadsheet import and export of needs and resources (service.tabular), without HTTP."""

from __future__ import annotations

import datetime as dt
import io
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from service.loading import load_scenario
from service.messages import LANGUAGES, Language
from service.storage import convert
from service.tabular import cells, source
from service.tabular.layout import NEEDS, RESOURCES, Layout
from service.tabular.merge import merge
from service.tabular.messages import TEXT
from service.tabular.problems import CellProblem, RowError
from service.tabular.reading import MAX_ROWS, Parsed, parse
from service.tabular.references import Origin, reference_errors, reference_warnings
from service.tabular.samples import sample_files
from service.tabular.writing import csv_bytes, xlsx_bytes
from service.wire import scenario as wire
from service.wire.common import Location

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
TINY = load_scenario(SCENARIOS / "tiny.json")
NEED_HEADER = "需求编号,户编号,村社区,服务类别,优先级,时长(分钟),可服务日,开始,结束"
GOOD_ROW = "n101,h101,v01,养老为老服务,2,45,周一至周三,9:00,11:30"


def csv_of(*lines: str) -> bytes:
    """A UTF-8 CSV file of the given lines."""
    return ("\n".join(lines) + "\n").encode("utf-8")


def workbook(rows: list[list[Any]], title: str = "Sheet", first: str | None = None) -> bytes:
    """An .xlsx file with one sheet of rows (and optionally another sheet before it)."""
    book = Workbook()
    sheet = book.active
    if first is not None:
        sheet.title = first
        sheet.append(["junk"])
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def messages(parsed: Parsed[Any], language: Language = "zh") -> list[str]:
    """Every error message of a parse."""
    return [error.message(language) for error in parsed.errors]


def only_error(parsed: Parsed[Any]) -> RowError:
    """The single error of a parse that must have exactly one."""
    assert len(parsed.errors) == 1, messages(parsed)
    return parsed.errors[0]


def rich_need() -> wire.Need:
    """A need using every column: no location, extra data, zero staff counts, every list."""
    return wire.Need.model_validate(
        {
            "id": "n900",
            "household": "h900",
            "village": "v02",
            "groups": ["elderly_alone", "disabled", "other"],
            "category": "social_org_cultivation",
            "priority": 5,
            "visits": 3,
            "duration_minutes": 1440,
            "window": {"days": ["mon", "wed", "sat", "sun"], "from": "00:00", "to": "24:00"},
            "staff": {"volunteer": 2, "liaison": 0, "any": 1},
            "skills": ["first_aid", "elderly_care"],
            "languages": ["changshu", "mandarin"],
            "preferred_workers": ["sw01", "vol001"],
            "excluded_workers": ["li01"],
            "resources": [{"id": "rice-5kg", "quantity": 2}, {"id": "oil", "quantity": 1}],
            "mandatory": True,
            "extra": {"note": "楼道=2楼", "scores": [1, 2.5, None]},
        }
    )


def rich_resources() -> list[wire.Resource]:
    """Resources with no eligibility, an empty one, a formula-like name and extra data."""
    return [
        wire.Resource(id="rice-5kg", name="=5公斤大米", kind="goods", unit="bag", available=0),
        wire.Resource(
            id="fund",
            name="临时救助金",
            kind="funds",
            unit="yuan",
            available=2**62,
            eligible_groups=[],
            extra={"source": "慈善"},
        ),
        wire.Resource(
            id="oil",
            name=" 油 ",
            kind="goods",
            unit="瓶",
            available=3,
            eligible_groups=["low_income", "migrant"],
        ),
    ]


# --- good files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "layout", "expected"),
    [
        ("demo-needs.xlsx", NEEDS, TINY.needs),
        ("demo-needs.csv", NEEDS, TINY.needs),
        ("demo-resources.xlsx", RESOURCES, TINY.resources),
    ],
)
def test_sample_files_hold_the_tiny_scenario(
    name: str, layout: Layout[Any], expected: list[Any]
) -> None:
    """Each committed sample file reads without errors into exactly tiny.json's records."""
    parsed = parse(layout, (SCENARIOS / name).read_bytes(), name)
    assert parsed.errors == []
    assert [row.item for row in parsed.rows] == expected
    assert [row.row for row in parsed.rows] == list(range(2, 2 + len(expected)))


def test_sample_files_are_up_to_date() -> None:
    """Regenerating the samples from tiny.json gives files that read the same as the committed."""
    for name, data in sample_files(SCENARIOS / "tiny.json").items():
        layout: Layout[Any] = NEEDS if "needs" in name else RESOURCES
        fresh = [row.item for row in parse(layout, data, name).rows]
        committed = [row.item for row in parse(layout, (SCENARIOS / name).read_bytes(), name).rows]
        assert fresh == committed and fresh, name
    assert (SCENARIOS / "demo-needs.csv").read_bytes() == sample_files(SCENARIOS / "tiny.json")[
        "demo-needs.csv"
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(encoding: str) -> None:
    """Chinese CSV in UTF-8, UTF-8 with BOM, GBK/GB18030 and UTF-16 reads the same."""
    text = f"{NEED_HEADER}\n{GOOD_ROW}\n"
    parsed = parse(NEEDS, text.encode(encoding), "needs.csv")
    assert parsed.errors == []
    need = parsed.rows[0].item
    assert need.category == "elderly_care"
    assert need.window.days == ["mon", "tue", "wed"]
    assert (need.window.from_, need.window.to) == ("09:00", "11:30")


def test_tab_separated_and_semicolon_files() -> None:
    """A tab- or semicolon-separated export reads like a comma-separated one."""
    for separator in ("\t", ";"):
        header = NEED_HEADER.replace(",", separator)
        row = GOOD_ROW.replace(",", separator)
        parsed = parse(NEEDS, csv_of(header, row), "needs.txt")
        assert parsed.errors == [], separator
        assert parsed.rows[0].item.id == "n101"


def test_english_and_chinese_headers_read_the_same() -> None:
    """English headers, Chinese headers and full-width parentheses give the same need."""
    english = "id,household,village,category,priority,duration_minutes,days,from,to"
    chinese = NEED_HEADER.replace("时长(分钟)", "时长（分钟）")
    row = "n101,h101,v01,elderly_care,2,45,mon-wed,09:00,11:30"
    first = parse(NEEDS, csv_of(english, row))
    second = parse(NEEDS, csv_of(chinese, GOOD_ROW))
    assert first.errors == second.errors == []
    assert first.rows[0].item == second.rows[0].item
    assert first.header_language == "en" and second.header_language == "zh"
    assert second.columns["duration_minutes"] == "时长（分钟）"


def test_xlsx_cells_of_every_type() -> None:
    """Excel numbers, booleans, times and day fractions become wire values."""
    header = ["id", "household", "village", "lat", "lon", "category", "priority"]
    header += ["duration_minutes", "days", "from", "to", "mandatory", "resources", "volunteer"]
    row: list[Any] = [101, "h101", "v01", 31.7, 120, "养老为老服务", 2.0, 45]
    row += ["工作日", dt.time(9, 0), 0.5, True, "rice-5kg×2；oil", 1]
    parsed = parse(NEEDS, workbook([header, row]), "needs.xlsx")
    assert parsed.errors == []
    need = parsed.rows[0].item
    assert need.id == "101"
    assert need.location == Location(lat=31.7, lon=120.0)
    assert need.window.days == ["mon", "tue", "wed", "thu", "fri"]
    assert (need.window.from_, need.window.to) == ("09:00", "12:00")
    assert need.mandatory is True
    assert [(a.id, a.quantity) for a in need.resources] == [("rice-5kg", 2), ("oil", 1)]
    assert need.staff == {"volunteer": 1}


def test_sheet_named_for_the_kind_is_preferred() -> None:
    """A sheet named 需求 is read even when another sheet comes first."""
    data = workbook([NEED_HEADER.split(","), GOOD_ROW.split(",")], title="需求", first="说明")
    parsed = parse(NEEDS, data, "book.xlsx")
    assert parsed.errors == []
    assert [row.item.id for row in parsed.rows] == ["n101"]


def test_content_decides_over_the_extension() -> None:
    """An xlsx named .csv is read as xlsx; a CSV with no name as CSV."""
    data = (SCENARIOS / "demo-needs.xlsx").read_bytes()
    assert len(parse(NEEDS, data, "needs.csv").rows) == len(TINY.needs)
    assert len(parse(NEEDS, (SCENARIOS / "demo-needs.csv").read_bytes(), None).rows) == 5


def test_empty_rows_are_skipped_and_rows_keep_their_numbers() -> None:
    """Blank lines and rows of empty cells are skipped; errors name the spreadsheet row."""
    data = csv_of(
        NEED_HEADER, "", ",,,,,,,,", GOOD_ROW, "n102,h102,v01,elderly_care,9,45,mon,9:00,10:00"
    )
    parsed = parse(NEEDS, data)
    assert [row.row for row in parsed.rows] == [4]
    assert only_error(parsed).row == 5


# --- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_needs_round_trip_is_lossless(language: Language) -> None:
    """Needs written to .xlsx or .csv and read back are equal, in either language."""
    needs = [*TINY.needs, rich_need()]
    for data, name in (
        (xlsx_bytes(NEEDS, needs, language), "x.xlsx"),
        (csv_bytes(NEEDS, needs, language), "x.csv"),
    ):
        parsed = parse(NEEDS, data, name)
        assert parsed.errors == [], messages(parsed)
        assert [row.item for row in parsed.rows] == needs
        assert parsed.header_language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_resources_round_trip_is_lossless(language: Language) -> None:
    """Resources (no eligibility, empty eligibility, formula-like names) survive a round trip."""
    resources = rich_resources()
    for data, name in (
        (xlsx_bytes(RESOURCES, resources, language), "x.xlsx"),
        (csv_bytes(RESOURCES, resources, language), "x.csv"),
    ):
        parsed = parse(RESOURCES, data, name)
        assert parsed.errors == [], messages(parsed)
        items = [row.item for row in parsed.rows]
        assert [r.model_dump() for r in items] == [
            r.model_copy(update={"name": r.name.strip()}).model_dump() for r in resources
        ]


def test_export_has_no_extra_column_unless_needed() -> None:
    """The extra column appears only when some record has extra data."""
    plain = parse(NEEDS, xlsx_bytes(NEEDS, TINY.needs), "x.xlsx")
    assert "extra" not in plain.columns
    rich = parse(NEEDS, xlsx_bytes(NEEDS, [rich_need()]), "x.xlsx")
    assert rich.columns["extra"] == "扩展数据"


# --- cell readers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "days"),
    [
        ("mon, wed", ["mon", "wed"]),
        ("周一、周三；周五", ["mon", "wed", "fri"]),
        ("星期二，星期日", ["tue", "sun"]),
        ("周一至周五", ["mon", "tue", "wed", "thu", "fri"]),
        ("Mon-Wed", ["mon", "tue", "wed"]),
        ("工作日", ["mon", "tue", "wed", "thu", "fri"]),
        ("周天", ["sun"]),
    ],
)
def test_days(cell: str, days: list[str]) -> None:
    """Weekdays in English, Chinese, ranges and 工作日."""
    assert cells.days(cell) == days


@pytest.mark.parametrize(
    ("cell", "time"),
    [
        ("9:00", "09:00"),
        ("09：30", "09:30"),
        ("14:00:00", "14:00"),
        ("9点半", "09:30"),
        ("24:00", "24:00"),
        ("8", "08:00"),
        (dt.time(16, 45), "16:45"),
        (dt.datetime(1899, 12, 30, 7, 5), "07:05"),
        (dt.timedelta(hours=24), "24:00"),
        (0.375, "09:00"),
    ],
)
def test_times(cell: Any, time: str) -> None:
    """Times as text, Chinese clock words, Excel times and day fractions."""
    assert cells.time_of_day(cell) == time


@pytest.mark.parametrize("cell", ["25:00", "9:60", "24:30", "noon", "9:00:30", 1.5, True])
def test_bad_times(cell: Any) -> None:
    """Impossible or unreadable times are a cell problem."""
    with pytest.raises(CellProblem):
        cells.time_of_day(cell)


@pytest.mark.parametrize(
    ("cell", "value"),
    [("是", True), ("否", False), ("TRUE", True), ("no", False), ("1", True), (0, False)],
)
def test_booleans(cell: Any, value: bool) -> None:
    """是/否, true/false, yes/no and 1/0."""
    assert cells.boolean(cell) is value


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("独居老人", ["elderly_alone"]),
        ("孤寡/独居老人、孤寡", ["elderly_alone", "elderly_alone"]),
        ("困难家庭,留守儿童", ["low_income", "left_behind_child"]),
        ("Low_Income", ["low_income"]),
    ],
)
def test_groups(cell: str, codes: list[str]) -> None:
    """Groups by their codes or their Chinese names."""
    assert cells.groups(cell) == codes


def test_categories_by_code_and_name() -> None:
    """Categories by code or by the spec's Chinese name; anything else lists the choices."""
    assert cells.category("养老为老服务") == "elderly_care"
    assert cells.category("社区社会组织培育服务") == "social_org_cultivation"
    assert cells.category("RESOURCE_LINKAGE") == "resource_linkage"
    with pytest.raises(CellProblem) as raised:
        cells.category("跳舞")
    error = RowError(3, "服务类别", raised.value.key, raised.value.values)
    assert "养老为老服务（elderly_care）" in error.message("zh")
    assert "elderly_care" in error.message("en") and "养老" not in error.message("en")


def test_numbers_and_ids() -> None:
    """Whole numbers accept 60, 60.0 and '60'; ids keep their digits; huge ones are refused."""
    assert cells.integer("60") == cells.integer(60.0) == cells.integer("６０") == 60
    assert cells.text(7.0) == "7"
    assert cells.text("  h001 ") == "h001"
    for bad in ("6.5", "sixty", True, str(2**63)):
        with pytest.raises(CellProblem):
            cells.integer(bad)
    with pytest.raises(CellProblem):
        cells.number("nan")


# --- errors ---------------------------------------------------------------------------------


def test_bad_cell_names_row_and_column() -> None:
    """A bad cell is an error at its row and column, named in both languages."""
    row = "n101,h101,v01,养老为老服务,高,45,周一,9:00,11:30"
    error = only_error(parse(NEEDS, csv_of(NEED_HEADER, GOOD_ROW.replace("n101", "n100"), row)))
    assert (error.row, error.column) == (3, "优先级")
    assert error.message("zh") == "第 3 行「优先级」：「高」不是整数"
    assert error.message("en") == "row 3, column '优先级': '高' is not a whole number"


def test_rule_errors_name_their_column() -> None:
    """Range and cross-field rules of the wire model blame the column the user must fix."""
    rows = [
        "n1,h1,v01,elderly_care,6,45,周一,9:00,11:30",
        "n2,h2,v01,elderly_care,1,45,周一,11:00,10:00",
        "n3,h3,v01,elderly_care,1,0,周一,9:00,11:30",
    ]
    parsed = parse(NEEDS, csv_of(NEED_HEADER, *rows))
    found = {(e.row, e.column): e.problem("zh") for e in parsed.errors}
    assert found == {
        (2, "优先级"): "应小于或等于 5",
        (3, "结束"): "结束时间 10:00 不晚于开始时间 11:00",
        (4, "时长(分钟)"): "应大于 0",
    }


def test_visits_beyond_days_are_read() -> None:
    """More visits than window days is well-formed: the row is read, not an error."""
    header = NEED_HEADER + ",次数"
    parsed = parse(NEEDS, csv_of(header, GOOD_ROW + ",4"))
    assert parsed.errors == []
    assert [imported.item.visits for imported in parsed.rows] == [4]


def test_empty_required_cell() -> None:
    """A required cell left empty is an error at that cell."""
    row = "n101,,v01,养老为老服务,2,45,周一,9:00,11:30"
    error = only_error(parse(NEEDS, csv_of(NEED_HEADER, row)))
    assert (error.row, error.column, error.key) == (2, "户编号", "cell.required")


def test_every_bad_cell_of_a_row_is_reported() -> None:
    """All bad cells of a row are listed, not just the first."""
    row = "n101,h1,v01,跳舞,高,45,周八,9:00,11:30"
    parsed = parse(NEEDS, csv_of(NEED_HEADER, row))
    assert [e.column for e in parsed.errors] == ["服务类别", "优先级", "可服务日"]


def test_unknown_header() -> None:
    """An unknown header is an error naming it; nothing is read."""
    parsed = parse(NEEDS, csv_of(NEED_HEADER + ",电话", GOOD_ROW + ",123"))
    error = only_error(parsed)
    assert (error.row, error.column) == (1, "电话")
    assert "电话" in error.message("zh")
    assert parsed.rows == []


def test_missing_column_is_named_in_the_files_language() -> None:
    """A missing required column is named as the file's other headers would name it."""
    chinese = parse(NEEDS, csv_of(NEED_HEADER.replace(",优先级", ""), GOOD_ROW.replace(",2,", ",")))
    assert only_error(chinese).message("zh") == "第 1 行「优先级」：缺少必需的列「优先级」"
    english = "id,household,village,category,duration_minutes,days,from,to"
    error = only_error(parse(NEEDS, csv_of(english, "n1,h1,v01,other,30,mon,9:00,10:00")))
    assert error.column == "priority"
    assert (
        error.message("en") == "row 1, column 'priority': the required column 'priority' is missing"
    )


def test_repeated_header_and_half_a_location() -> None:
    """Two headers for one field, or latitude without longitude, are header errors."""
    twice = parse(NEEDS, csv_of(NEED_HEADER + ",id", GOOD_ROW + ",n1"))
    assert only_error(twice).key == "header.twice"
    half = parse(NEEDS, csv_of(NEED_HEADER + ",纬度", GOOD_ROW + ",31.7"))
    assert (only_error(half).column, only_error(half).key) == ("经度", "header.pair")


def test_half_a_location_in_a_row() -> None:
    """A row with a latitude but no longitude is an error at the empty cell."""
    header = NEED_HEADER + ",纬度,经度"
    error = only_error(parse(NEEDS, csv_of(header, GOOD_ROW + ",31.7,")))
    assert (error.row, error.column, error.key) == (2, "经度", "row.pair")


def test_values_under_no_header() -> None:
    """Values in a column without a header are an error naming the column letter."""
    error = only_error(parse(NEEDS, csv_of(NEED_HEADER, GOOD_ROW + ",oops")))
    assert (error.row, error.column, error.key) == (2, "J", "header.unnamed")


def test_duplicate_ids() -> None:
    """An id used twice in the file is an error at the second row naming the first."""
    parsed = parse(NEEDS, csv_of(NEED_HEADER, GOOD_ROW, GOOD_ROW))
    error = only_error(parsed)
    assert (error.row, error.column) == (3, "需求编号")
    assert error.message("zh") == "第 3 行「需求编号」：编号「n101」与第 2 行重复"


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"", "needs.csv", "file.empty"),
        (b"  \r\n\n ", "needs.csv", "file.empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "needs.csv", "file.binary"),
        (bytes(range(256)) * 4, None, "file.binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "needs.xls", "file.xls"),
        (b"id,household\n", "needs.xlsx", "file.xlsx_broken"),
        (b"PK\x03\x04garbage", "needs.xlsx", "file.xlsx_broken"),
        (b"\xff\xfe\x00", "needs.csv", "file.encoding"),
        (b"\x81\x30\xff\xff", "needs.csv", "file.encoding"),
        (NEED_HEADER.encode(), "needs.csv", "file.no_rows"),
        (b",,,\n,,\n", "needs.csv", "file.no_header"),
    ],
)
def test_unreadable_files(data: bytes, name: str | None, key: str) -> None:
    """Empty, binary, old-format, damaged or badly encoded files are one clear error."""
    parsed = parse(NEEDS, data, name)
    error = only_error(parsed)
    assert (error.row, error.column, error.key) == (None, None, key)
    assert error.message("zh") and error.message("en")


def test_truncated_xlsx() -> None:
    """Every truncation of a real workbook is a clear error, never an exception."""
    data = (SCENARIOS / "demo-needs.xlsx").read_bytes()
    for size in (4, 100, len(data) // 2, len(data) - 10):
        error = only_error(parse(NEEDS, data[:size], "needs.xlsx"))
        assert error.key == "file.xlsx_broken"


def test_zip_bomb_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook whose parts unpack beyond the limit is refused before it is opened."""
    monkeypatch.setattr(source, "MAX_UNPACKED_BYTES", 1000)
    error = only_error(parse(NEEDS, (SCENARIOS / "demo-needs.xlsx").read_bytes(), "x.xlsx"))
    assert error.key == "file.xlsx_huge"


def test_huge_cells() -> None:
    """Over-long cells are an error of that cell (xlsx) or of the file (CSV)."""
    long_text = "x" * (cells.MAX_CELL_CHARS + 1)
    rows = [NEED_HEADER.split(","), GOOD_ROW.replace("n101", long_text).split(",")]
    error = only_error(parse(NEEDS, workbook(rows), "needs.xlsx"))
    assert (error.row, error.column, error.key) == (2, "需求编号", "cell.too_long")
    huge = csv_of(NEED_HEADER, GOOD_ROW.replace("h101", "y" * 200_000))
    assert only_error(parse(NEEDS, huge)).key == "file.cell_huge"


def test_row_limit() -> None:
    """More data rows than the limit is one error; the default limit is 20,000."""
    rows = [GOOD_ROW.replace("n101", f"n{i}") for i in range(4)]
    error = only_error(parse(NEEDS, csv_of(NEED_HEADER, *rows), max_rows=3))
    assert error.key == "file.too_many_rows"
    assert "3" in error.message("zh")
    assert MAX_ROWS == 20_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.csv", "x.xlsx", None]))
def test_any_bytes_give_rows_or_errors(data: bytes, name: str | None) -> None:
    """No input raises: every byte string gives valid rows or row errors."""
    parsed = parse(NEEDS, data, name)
    assert parsed.rows or parsed.errors
    for error in parsed.errors:
        assert error.message("zh") and error.message("en")


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_damaged_workbooks_give_rows_or_errors(position: int, value: int) -> None:
    """A real workbook with any one byte changed reads or fails cleanly."""
    data = bytearray((SCENARIOS / "demo-needs.xlsx").read_bytes())
    data[position % len(data)] = value
    parsed = parse(NEEDS, bytes(data), "needs.xlsx")
    assert parsed.rows or parsed.errors


# --- merge and references -------------------------------------------------------------------


def test_merge_upsert_and_replace() -> None:
    """Upsert creates and updates; replace also deletes; equal records are unchanged."""
    stored = list(TINY.needs)
    changed = stored[1].model_copy(update={"priority": 5})
    new = rich_need()
    upsert = merge(stored, [stored[0], changed, new], "upsert", keep_extra=False)
    assert [n.id for n in upsert.created] == ["n900"]
    assert [n.id for n in upsert.updated] == ["n002"]
    assert upsert.unchanged == ["n001"] and upsert.deleted == []
    assert [n.id for n in upsert.merged] == ["n001", "n002", "n003", "n004", "n005", "n900"]
    replace = merge(stored, [changed, stored[0]], "replace", keep_extra=False)
    assert replace.deleted == ["n003", "n004", "n005"]
    assert [n.id for n in replace.merged] == ["n001", "n002"]


def test_merge_keeps_extra_when_the_file_has_none() -> None:
    """Without an extra column, an updated record keeps its stored extra data."""
    stored = [rich_need()]
    plain = rich_need().model_copy(update={"extra": None})
    assert merge(stored, [plain], "upsert", keep_extra=True).unchanged == ["n900"]
    assert merge(stored, [plain], "upsert", keep_extra=False).updated == [plain]


def test_reference_errors_point_at_rows() -> None:
    """Unknown villages and workers of file rows, and needs losing a resource, are named."""
    bad = TINY.needs[1].model_copy(update={"village": "v99", "excluded_workers": ["ghost"]})
    scenario = TINY.model_copy(update={"needs": [TINY.needs[0], bad]})
    origin = Origin(need_rows={"n002": 7}, resource_rows={}, header=lambda key: key)
    found = [(e.row, e.column, e.message("zh")) for e in reference_errors(scenario, origin)]
    assert found == [
        (7, "village", "第 7 行「village」：村社区「v99」不在本站档案中"),
        (7, "excluded_workers", "第 7 行「excluded_workers」：工作者「ghost」不在本站档案中"),
    ]
    no_rice = TINY.model_copy(update={"resources": []})
    origin = Origin(need_rows={}, resource_rows={}, header=lambda key: key)
    gone = reference_errors(no_rice, origin)
    assert [(e.row, e.record) for e in gone] == [(None, "n001"), (None, "n003")]
    assert (
        gone[0].message("en")
        == "need 'n001': asks for resource 'rice-5kg', which would no longer exist"
    )


def test_reference_warnings_blame_the_resource_row_for_eligibility() -> None:
    """A resource row narrowing its groups is no error but warned of, for each need shut out."""
    narrowed = TINY.resources[0].model_copy(update={"eligible_groups": ["migrant"]})
    scenario = TINY.model_copy(update={"resources": [narrowed]})
    origin = Origin(need_rows={}, resource_rows={"rice-5kg": 4}, header=lambda key: "适用群体")
    assert reference_errors(scenario, origin) == []
    found = reference_warnings(scenario, origin)
    assert [(e.row, e.column, e.key) for e in found] == [(4, "适用群体", "warn.not_eligible")] * 2
    assert "n001" in found[0].message("zh") and "n003" in found[1].message("en")


def test_reference_warnings_name_the_need_row() -> None:
    """Visits beyond window days, a short window and preferred+excluded warn at the need's row."""
    need = TINY.needs[3].model_copy(
        update={
            "visits": 3,
            "duration_minutes": 600,
            "preferred_workers": ["sw01"],
            "excluded_workers": ["sw01"],
        }
    )
    scenario = TINY.model_copy(update={"needs": [need]})
    origin = Origin(need_rows={need.id: 7}, resource_rows={}, header=lambda key: key)
    found = reference_warnings(scenario, origin)
    assert [(e.row, e.column, e.key) for e in found] == [
        (7, "visits", "warn.too_few_days"),
        (7, "to", "warn.window_too_short"),
        (7, "preferred_workers", "warn.preferred_and_excluded"),
    ]


def test_stored_archive_converts_like_the_file() -> None:
    """A need stored and read back (storage shape) equals the one read from the sample file."""
    parsed = parse(NEEDS, (SCENARIOS / "demo-needs.xlsx").read_bytes(), "x.xlsx")
    for imported in parsed.rows:
        row = convert.need_to_row("demo", imported.item)
        assert convert.row_to_need(row) == imported.item


# --- messages -------------------------------------------------------------------------------


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_messages_agree_between_languages() -> None:
    """Both dictionaries have the same keys, and each key the same placeholders."""
    assert set(TEXT["zh"]) == set(TEXT["en"])
    for key in TEXT["zh"]:
        assert _placeholders(TEXT["zh"][key]) == _placeholders(TEXT["en"][key]), key


def test_long_values_are_shortened_in_messages() -> None:
    """A huge bad cell is quoted only in part, so messages stay readable."""
    row = GOOD_ROW.replace(",2,", "," + "9" * 5000 + "x,")
    error = only_error(parse(NEEDS, csv_of(NEED_HEADER, row)))
    assert error.column == "优先级"
    assert len(error.message("zh")) < 120 and error.message("zh").endswith("…」不是整数")


def test_resource_listed_twice_is_a_row_error() -> None:
    """A need naming one resource twice is an error at its resources cell."""
    header = NEED_HEADER + ",群体,物资"
    parsed = parse(NEEDS, csv_of(header, GOOD_ROW + ",困难家庭,rice-5kg:1; rice-5kg:2"))
    assert parsed.errors == []
    scenario = TINY.model_copy(update={"needs": [parsed.rows[0].item]})
    origin = Origin(need_rows={"n101": 2}, resource_rows={}, header=parsed.header)
    found = reference_errors(scenario, origin)
    assert [(e.row, e.column, e.message("en")) for e in found] == [
        (2, "物资", "row 2, column '物资': resource 'rice-5kg' is listed twice")
    ]
