"""Spreadsheet import and export of needs and resources over HTTP: all or nothing, by role."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlmodel import Session

from api.api_kit import ROOT, STATION_A, TINY, Tokens, scenario_for
from service.loading import load_scenario
from service.storage import repository
from service.wire import scenario as wire

BASE = f"/api/v1/stations/{STATION_A}"
SCENARIOS = ROOT / "scenarios"
NEED_HEADER = "需求编号,户编号,村社区,服务类别,优先级,时长(分钟),可服务日,开始,结束"
NEW_ROW = "n006,h006,v02,养老为老服务,3,30,周三,9:00,12:00"
ENGLISH_HEADER = "id,household,village,category,priority,duration_minutes,days,from,to"
FIRST_HEADER = {
    "zh": {"needs": "需求编号", "resources": "编号"},
    "en": {"needs": "id", "resources": "id"},
}


def upload(
    client: TestClient,
    headers: dict[str, str],
    data: bytes,
    name: str = "needs.csv",
    table: str = "needs",
    station: str = STATION_A,
    **params: Any,
) -> Any:
    """POST a file to a station's import endpoint."""
    return client.post(
        f"/api/v1/stations/{station}/{table}/import",
        files={"file": (name, data)},
        params=params,
        headers=headers,
    )


def csv_of(*lines: str, encoding: str = "utf-8") -> bytes:
    """A CSV file of the given lines."""
    return ("\n".join(lines) + "\n").encode(encoding)


def listing(client: TestClient, tokens: Tokens, table: str = "needs") -> list[dict[str, Any]]:
    """Every record of station A of one kind, as the API lists them."""
    answer = client.get(f"{BASE}/{table}", params={"limit": 200}, headers=tokens.header("admin"))
    assert answer.status_code == 200
    rows: list[dict[str, Any]] = answer.json()["data"]
    return rows


def audit(client: TestClient, reads: bool = False) -> list[tuple[str, str, str | None]]:
    """Station A's audit entries as (action, entity, entity id); changes only unless ``reads``."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        return [
            (e.action, e.entity, e.entity_id)
            for e in repository.audit_entries(session, station_id=STATION_A)
            if reads or e.action != "read"
        ]


def errors_of(answer: Any) -> list[dict[str, Any]]:
    """The row errors of a 422 answer."""
    assert answer.status_code == 422, answer.text
    found: list[dict[str, Any]] = answer.json()["detail"]
    return found


def without_versions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records without their version numbers."""
    return [{k: v for k, v in row.items() if k != "version"} for row in rows]


def as_wire(rows: list[dict[str, Any]], table: str) -> list[Any]:
    """Listed records as wire objects (versions dropped)."""
    model = wire.Need if table == "needs" else wire.Resource
    return [model.model_validate(without_versions([row])[0]) for row in rows]


# --- the sample files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("demo-needs.xlsx", "needs"),
        ("demo-needs.csv", "needs"),
        ("demo-resources.xlsx", "resources"),
    ],
)
def test_sample_files_match_the_demo_station(
    stations: TestClient, tokens: Tokens, name: str, table: str
) -> None:
    """The committed samples import cleanly into the tiny station and change nothing there."""
    before = listing(stations, tokens, table)
    data = (SCENARIOS / name).read_bytes()
    answer = upload(stations, tokens.header("coordinator_a"), data, name, table)
    assert answer.status_code == 200, answer.text
    rows = len(before)
    assert answer.json() == {
        "rows": rows,
        "created": 0,
        "updated": 0,
        "unchanged": rows,
        "deleted": 0,
        "mode": "upsert",
        "dry_run": False,
        "warnings": [],
    }
    assert listing(stations, tokens, table) == before


def test_sample_files_fill_an_empty_station(client: TestClient, tokens: Tokens) -> None:
    """Resources then needs imported into a station without any equal tiny.json's records."""
    empty = scenario_for(STATION_A) | {"needs": [], "resources": []}
    put = client.put(f"{BASE}/scenario", json=empty, headers=tokens.header("admin"))
    assert put.status_code == 200, put.text
    header = tokens.header("coordinator_a")
    resources = (SCENARIOS / "demo-resources.xlsx").read_bytes()
    first = upload(client, header, resources, "demo-resources.xlsx", "resources")
    assert first.json()["created"] == 1, first.text
    needs = (SCENARIOS / "demo-needs.xlsx").read_bytes()
    second = upload(client, header, needs, "demo-needs.xlsx")
    assert second.json()["created"] == 5, second.text
    expected = load_scenario(TINY)
    assert as_wire(listing(client, tokens), "needs") == expected.needs
    assert as_wire(listing(client, tokens, "resources"), "resources") == expected.resources
    created = [entry for entry in audit(client) if entry[0] == "create"]
    assert created == [("create", "need", f"n00{i}") for i in range(1, 6)]


# --- good files -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_every_encoding_creates_a_need(
    stations: TestClient, tokens: Tokens, encoding: str
) -> None:
    """A Chinese CSV in UTF-8, UTF-8 with BOM or GBK adds the need it holds."""
    data = csv_of(NEED_HEADER, NEW_ROW, encoding=encoding)
    answer = upload(stations, tokens.header("coordinator_a"), data)
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 1 and answer.json()["unchanged"] == 0
    need = stations.get(f"{BASE}/needs/n006", headers=tokens.header("admin")).json()
    assert need["category"] == "elderly_care"
    assert need["window"] == {"days": ["wed"], "from": "09:00", "to": "12:00", "extra": None}
    assert need["staff"] == {"any": 1}


def test_xlsx_with_english_headers_updates_a_need(stations: TestClient, tokens: Tokens) -> None:
    """An English-header workbook updates a stored need by id and bumps its version."""
    book = Workbook()
    sheet = book.active
    sheet.append([*ENGLISH_HEADER.split(","), "social_worker", "mandatory"])
    sheet.append(["n001", "h001", "v01", "elderly_care", 4, 60, "mon-fri"])
    sheet.append([None])
    sheet["H2"], sheet["I2"], sheet["J2"], sheet["K2"] = dt.time(9), dt.time(12), 1, True
    buffer = io.BytesIO()
    book.save(buffer)
    answer = upload(stations, tokens.header("coordinator_a"), buffer.getvalue(), "needs.xlsx")
    assert answer.status_code == 200, answer.text
    assert answer.json()["updated"] == 1 and answer.json()["rows"] == 1
    need = stations.get(f"{BASE}/needs/n001", headers=tokens.header("admin")).json()
    assert need["priority"] == 4 and need["version"] == 2
    assert need["window"] == {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "from": "09:00",
        "to": "12:00",
        "extra": None,
    }
    assert need["resources"] == [] and need["mandatory"] is True
    assert ("update", "need", "n001") in audit(stations)


# --- bad files: 422, nothing saved ----------------------------------------------------------


def test_bad_cell_rejects_the_whole_file(stations: TestClient, tokens: Tokens) -> None:
    """One bad cell among good rows: 422 naming its row and column, and nothing is saved."""
    before = listing(stations, tokens)
    entries = audit(stations)
    bad = "n007,h007,v01,养老为老服务,紧急,30,周三,9:00,12:00"
    changed = "n001,h001,v01,养老为老服务,5,30,周三,9:00,12:00"
    answer = upload(
        stations, tokens.header("coordinator_a"), csv_of(NEED_HEADER, NEW_ROW, changed, bad)
    )
    found = errors_of(answer)
    assert [(e["row"], e["column"]) for e in found] == [(4, "优先级")]
    assert found[0]["message"] == "第 4 行「优先级」：「紧急」不是整数"
    assert found[0]["loc"] == ["body", "file", 4, "优先级"]
    assert listing(stations, tokens) == before
    assert audit(stations) == entries


def test_errors_in_english(stations: TestClient, tokens: Tokens) -> None:
    """language=en answers in English."""
    bad = "n007,h007,v01,elderly_care,0,30,wed,9:00,12:00"
    answer = upload(stations, tokens.header("admin"), csv_of(ENGLISH_HEADER, bad), language="en")
    assert errors_of(answer)[0]["message"] == "row 2, column 'priority': must be at least 1"


def test_unknown_header_is_named(stations: TestClient, tokens: Tokens) -> None:
    """An unknown column is a 422 naming it."""
    answer = upload(stations, tokens.header("admin"), csv_of(NEED_HEADER + ",电话", NEW_ROW + ",1"))
    found = errors_of(answer)
    assert [(e["row"], e["column"]) for e in found] == [(1, "电话")]
    assert "电话" in found[0]["message"]


def test_missing_column_is_named(stations: TestClient, tokens: Tokens) -> None:
    """A missing required column is a 422 naming it."""
    header = NEED_HEADER.replace(",服务类别", "")
    row = NEW_ROW.replace(",养老为老服务", "")
    found = errors_of(upload(stations, tokens.header("admin"), csv_of(header, row)))
    assert [e["column"] for e in found] == ["服务类别"]
    assert "缺少必需的列" in found[0]["message"]


def test_duplicate_id_in_the_file(stations: TestClient, tokens: Tokens) -> None:
    """The same id twice in one file is a 422 at the second row."""
    found = errors_of(
        upload(stations, tokens.header("admin"), csv_of(NEED_HEADER, NEW_ROW, NEW_ROW))
    )
    assert [(e["row"], e["column"]) for e in found] == [(3, "需求编号")]
    assert listing(stations, tokens)[-1]["id"] == "n005"


def test_unknown_village_worker_and_resource(stations: TestClient, tokens: Tokens) -> None:
    """References the archive lacks are row errors at their cells, in either language."""
    header = NEED_HEADER + ",偏好工作者,物资"
    row = NEW_ROW.replace("v02", "v99") + ",sw01；ghost,gold:2"
    answer = upload(stations, tokens.header("admin"), csv_of(header, row), language="en")
    found = [(e["row"], e["column"], e["message"]) for e in errors_of(answer)]
    assert found == [
        (2, "村社区", "row 2, column '村社区': village 'v99' is not in the station's archive"),
        (
            2,
            "偏好工作者",
            "row 2, column '偏好工作者': worker 'ghost' is not in the station's archive",
        ),
        (
            2,
            "物资",
            "row 2, column '物资': resource 'gold' is not in the station's resource library",
        ),
    ]
    zh = errors_of(upload(stations, tokens.header("admin"), csv_of(header, row)))
    assert zh[0]["message"] == "第 2 行「村社区」：村社区「v99」不在本站档案中"


def test_ineligible_resource_is_stored_and_warned(stations: TestClient, tokens: Tokens) -> None:
    """A need asking for a resource its groups may not receive is saved, with a row warning."""
    header = NEED_HEADER + ",群体,物资"
    row = NEW_ROW + ",留守儿童,rice-5kg:1"
    answer = upload(stations, tokens.header("admin"), csv_of(header, row))
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 1
    found = answer.json()["warnings"]
    assert [(w["row"], w["column"], w["type"]) for w in found] == [(2, "物资", "not_eligible")]
    assert "rice-5kg" in found[0]["message"]
    assert NEW_ROW.split(",")[0] in [need["id"] for need in listing(stations, tokens)]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "needs.csv"),
        (b"\x00\x01\x02\xff\xfe\xfd" * 50, "needs.csv"),
        (b"PK\x03\x04\x14\x00\x00\x00", "needs.xlsx"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "photo.png"),
    ],
    ids=["empty", "junk", "truncated-xlsx", "png"],
)
def test_unreadable_files_are_422(
    stations: TestClient, tokens: Tokens, data: bytes, name: str
) -> None:
    """Empty, junk or damaged uploads are one file-level error and change nothing."""
    before = listing(stations, tokens)
    found = errors_of(upload(stations, tokens.header("admin"), data, name))
    assert len(found) == 1
    assert found[0]["row"] is None and found[0]["column"] is None
    assert found[0]["loc"] == ["body", "file"] and found[0]["message"]
    assert listing(stations, tokens) == before


def test_missing_upload_field_is_422(stations: TestClient, tokens: Tokens) -> None:
    """A request without the file field is FastAPI's 422 for it."""
    answer = stations.post(
        f"{BASE}/needs/import", data={"other": "x"}, headers=tokens.header("admin")
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "file"]


def test_oversized_upload_is_413(stations: TestClient, tokens: Tokens) -> None:
    """An upload beyond the body size limit is refused with 413."""
    data = csv_of(NEED_HEADER, *[NEW_ROW] * 25_000)
    assert len(data) > 1024 * 1024
    assert upload(stations, tokens.header("admin"), data).status_code == 413


# --- dry runs and modes ---------------------------------------------------------------------


def test_dry_run_counts_and_saves_nothing(stations: TestClient, tokens: Tokens) -> None:
    """A dry run answers the counts of a real run, and the archive and audit stay as they were."""
    before = listing(stations, tokens)
    entries = audit(stations)
    changed = "n001,h001,v01,养老为老服务,5,30,周三,9:00,12:00"
    data = csv_of(NEED_HEADER, NEW_ROW, changed)
    dry = upload(stations, tokens.header("coordinator_a"), data, mode="replace", dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json() == {
        "rows": 2,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "deleted": 4,
        "mode": "replace",
        "dry_run": True,
        "warnings": [],
    }
    assert listing(stations, tokens) == before
    assert audit(stations) == entries
    real = upload(stations, tokens.header("coordinator_a"), data, mode="replace")
    assert real.json() == dry.json() | {"dry_run": False}


def test_replace_deletes_the_needs_not_in_the_file(stations: TestClient, tokens: Tokens) -> None:
    """mode=replace leaves exactly the file's needs and audits each change by id."""
    data = csv_of(NEED_HEADER, NEW_ROW)
    answer = upload(stations, tokens.header("coordinator_a"), data, mode="replace")
    assert answer.status_code == 200, answer.text
    assert answer.json()["deleted"] == 5 and answer.json()["created"] == 1
    assert [row["id"] for row in listing(stations, tokens)] == ["n006"]
    changes = audit(stations)
    assert ("create", "need", "n006") in changes
    assert sorted(e[2] or "" for e in changes if e[0] == "delete") == [
        f"n00{i}" for i in range(1, 6)
    ]


def test_replacing_resources_cannot_strand_needs(stations: TestClient, tokens: Tokens) -> None:
    """Replacing resources with a file lacking rice-5kg is a 422 naming the needs asking for it."""
    data = csv_of("编号,名称,类型,单位,库存", "oil,食用油,物资,瓶,4")
    answer = upload(stations, tokens.header("admin"), data, table="resources", mode="replace")
    found = errors_of(answer)
    assert [(e["row"], e["record"]) for e in found] == [(None, "n001"), (None, "n003")]
    assert found[0]["message"] == "需求「n001」：申请的资源「rice-5kg」将不在资源库中"
    assert [r["id"] for r in listing(stations, tokens, "resources")] == ["rice-5kg"]
    upsert = upload(stations, tokens.header("admin"), data, table="resources")
    assert upsert.json()["created"] == 1
    assert [r["id"] for r in listing(stations, tokens, "resources")] == ["rice-5kg", "oil"]


def test_narrowing_eligibility_warns_at_the_resource_row(
    stations: TestClient, tokens: Tokens
) -> None:
    """A resource row whose groups shut out stored needs is saved and warned of at its row."""
    data = csv_of(
        "id,name,kind,unit,available,eligible_groups", "rice-5kg,rice,goods,bag,9,migrant"
    )
    answer = upload(stations, tokens.header("admin"), data, table="resources")
    assert answer.status_code == 200, answer.text
    found = answer.json()["warnings"]
    assert [(w["row"], w["column"], w["type"]) for w in found] == [
        (2, "eligible_groups", "not_eligible"),
        (2, "eligible_groups", "not_eligible"),
    ]
    assert "n001" in found[0]["message"] and "n003" in found[1]["message"]


# --- export and round trip ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("table", ["needs", "resources"])
def test_export_then_import_changes_nothing(
    stations: TestClient, tokens: Tokens, language: str, table: str
) -> None:
    """Exported records imported back are all unchanged, versions included."""
    header = tokens.header("coordinator_a")
    extra: dict[str, Any] = {"id": "n007", "household": "h007", "village": "v02"}
    extra |= {"category": "other"}
    extra |= {"priority": 5, "duration_minutes": 20, "extra": {"楼": 3}}
    extra |= {"window": {"days": ["sat", "sun"], "from": "00:00", "to": "24:00"}}
    assert stations.post(f"{BASE}/needs", json=extra, headers=header).status_code == 201
    before = listing(stations, tokens, table)
    exported = stations.get(
        f"{BASE}/{table}/export.xlsx", params={"language": language}, headers=header
    )
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in exported.headers["content-disposition"]
    first = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    assert first.cell(1, 1).value == FIRST_HEADER[language][table]
    back = upload(stations, header, exported.content, f"{table}.xlsx", table, mode="replace")
    assert back.status_code == 200, back.text
    assert back.json()["unchanged"] == len(before) == back.json()["rows"]
    assert listing(stations, tokens, table) == before


def test_export_of_needs_is_audited(stations: TestClient, tokens: Tokens) -> None:
    """Exporting needs writes one read entry per need; a viewer may export."""
    answer = stations.get(f"{BASE}/needs/export.xlsx", headers=tokens.header("viewer_a"))
    assert answer.status_code == 200
    reads = [entry for entry in audit(stations, reads=True) if entry[0] == "read"]
    assert reads == [("read", "need", f"n00{i}") for i in range(1, 6)]


def test_export_path_does_not_hide_need_reads(stations: TestClient, tokens: Tokens) -> None:
    """Needs are still read by id next to the export route."""
    answer = stations.get(f"{BASE}/needs/n002", headers=tokens.header("viewer_a"))
    assert answer.status_code == 200 and answer.json()["id"] == "n002"


# --- roles ----------------------------------------------------------------------------------


def test_roles(stations: TestClient, tokens: Tokens) -> None:
    """Another station's coordinator gets 404 on import and export; a viewer 403 on import."""
    data = csv_of(NEED_HEADER, NEW_ROW)
    for table in ("needs", "resources"):
        other = upload(stations, tokens.header("coordinator_b"), data, table=table)
        assert other.status_code == 404
        assert (
            stations.get(
                f"{BASE}/{table}/export.xlsx", headers=tokens.header("coordinator_b")
            ).status_code
            == 404
        )
        assert upload(stations, tokens.header("viewer_a"), data, table=table).status_code == 403
        assert upload(stations, tokens.header("viewer_b"), data, table=table).status_code == 404
    assert stations.post(f"{BASE}/needs/import", files={"file": ("x.csv", data)}).status_code == 401
    assert upload(stations, tokens.header("admin"), data, dry_run="true").status_code == 200
    assert upload(stations, tokens.header("coordinator_a"), data).status_code == 200
    assert upload(stations, tokens.header("admin"), data, station="nowhere").status_code == 404
