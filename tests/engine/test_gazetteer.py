"""The postcode gazetteer reads the PE extract and national ONS files, and rejects anything else."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pyarrow as pa
import pytest

from lantern.engine.gazetteer import (
    POSTCODE_ATTRIBUTION,
    GazetteerFormatError,
    normalise_postcodes,
    read_postcode_centroids,
)
from lantern.engine.normalise import InvalidPostcode, normalise_postcode

SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$")


@pytest.fixture(scope="module")
def pe_file() -> Path:
    from lantern.demo.world_places import default_gazetteer_path

    return default_gazetteer_path()  # shipped with Lantern under demo/data


def test_reads_the_pe_extract(pe_file):
    read = read_postcode_centroids(pe_file)
    assert read.table.num_rows + read.skipped == 40_285
    assert read.skipped == 41
    assert read.skipped_reasons == {"missing_coordinates": 41}
    assert read.table.schema == pa.schema(
        [("postcode", pa.string()), ("latitude", pa.float64()), ("longitude", pa.float64())]
    )
    postcodes = read.table["postcode"].to_pylist()
    assert all(SHAPE.match(p) for p in postcodes)
    assert len(set(postcodes)) == len(postcodes)
    assert "PE10 0AA" in postcodes  # written "PE100AA" in the file
    row = read.table.filter(pa.compute.equal(read.table["postcode"], "PE1 1AA")).to_pylist()
    assert row == [{"postcode": "PE1 1AA", "latitude": 52.57538, "longitude": -0.25002}]


def test_vectorised_normaliser_agrees_with_the_shared_one(pe_file):
    raw = pa.csv.read_csv(pe_file)["Postcode"]
    odd = pa.chunked_array(
        [["pe1 1aa", " PE1-1AA.", "GIR0AA", "QE1 1AA", "PE1 OAA", "0E1 1AA", "X", "", None]]
    )
    for values in (raw, odd):
        expected = []
        for value in values.to_pylist():
            try:
                expected.append(normalise_postcode(value))
            except InvalidPostcode:
                expected.append(None)
        assert normalise_postcodes(values).to_pylist() == expected


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


NSPL = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,lat,long,usertype\n"
    "PE1 1AA,PE1  1AA,PE1 1AA,198001,,E10000015,52.575380,-0.250020,0\n"
    "PE100AA,PE10 0AA,PE10 0AA,198001,,E10000019,52.780000,-0.380000,0\n"
    "PE1 9ZZ,PE1  9ZZ,PE1 9ZZ,198001,200512,E10000015,99.999999,0.000000,0\n"
    "SW1A1AA,SW1A 1AA,sw1a 1aa,198001,,E13000001,51.501009,-0.141588,1\n"
    "XX,XX,not a postcode,198001,,E99999999,51.5,-0.1,0\n"
    "PE2 1AB,PE2  1AB,PE2 1AB,198001,,E10000015,,,0\n"
)


def test_reads_a_national_nspl_style_file(tmp_path):
    read = read_postcode_centroids(_write(tmp_path / "NSPL_MAY_2025_UK.csv", NSPL))
    assert read.table.to_pylist() == [
        {"postcode": "PE1 1AA", "latitude": 52.57538, "longitude": -0.25002},
        {"postcode": "PE10 0AA", "latitude": 52.78, "longitude": -0.38},
        {"postcode": "SW1A 1AA", "latitude": 51.501009, "longitude": -0.141588},
    ]
    assert read.skipped == 3
    assert read.skipped_reasons == {
        "no_location_99.999999": 1,
        "invalid_postcode": 1,
        "missing_coordinates": 1,
    }


def test_column_names_are_matched_without_regard_to_case_and_gzip_is_read(tmp_path):
    text = NSPL.replace("pcds", "PCDS").replace("lat,long", "LAT,LONG")
    path = tmp_path / "ONSPD.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(text)
    read = read_postcode_centroids(path)
    assert read.table.num_rows == 3 and read.skipped == 3


def test_a_file_without_pcds_falls_back_to_pcd(tmp_path):
    read = read_postcode_centroids(
        _write(tmp_path / "old.csv", "pcd,lat,long\nPE1 1AA,52.5,-0.25\nPE100AA,52.7,-0.3\n")
    )
    assert read.table["postcode"].to_pylist() == ["PE1 1AA", "PE10 0AA"]


def test_rejects_a_file_with_no_postcode_column(tmp_path):
    path = _write(tmp_path / "people.csv", "name,age\nAnn,3\n")
    with pytest.raises(GazetteerFormatError) as info:
        read_postcode_centroids(path)
    assert str(info.value) == "no postcode column: expected one of Postcode, pcds, pcd, pcd2; found name, age"
    assert isinstance(info.value, ValueError)


def test_rejects_a_file_with_no_coordinates(tmp_path):
    with pytest.raises(GazetteerFormatError, match="no latitude column"):
        read_postcode_centroids(_write(tmp_path / "pc.csv", "pcds,easting,northing\nPE1 1AA,519000,298000\n"))


def test_rejects_text_in_a_coordinate_column(tmp_path):
    with pytest.raises(GazetteerFormatError, match="cannot parse"):
        read_postcode_centroids(_write(tmp_path / "pc.csv", "pcds,lat,long\nPE1 1AA,north,west\n"))


def test_attribution_text():
    assert POSTCODE_ATTRIBUTION.startswith("Contains OS data © Crown copyright and database right 2025.")
    assert POSTCODE_ATTRIBUTION.endswith("licensed under the Open Government Licence v.3.0.")
