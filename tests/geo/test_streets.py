"""The street layer: reading OpenStreetMap extracts, naming a point's street, drawing tiles."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import shapefile
from PIL import Image

from sigap.geo import streets, tiles

# Two streets crossing near Monas (Jakarta): one named major road, one unnamed lane, a river.
EXTRACT = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"highway": "primary", "name": "Jalan  Medan Merdeka Barat"},
            "geometry": {
                "type": "LineString",
                "coordinates": [[106.8225, -6.170], [106.8225, -6.185]],
            },
        },
        {
            "type": "Feature",
            "properties": {"highway": "residential"},
            "geometry": {
                "type": "MultiLineString",
                "coordinates": [[[106.820, -6.178], [106.826, -6.178]], [[106.9, -6.1]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"waterway": "river", "name": "Ciliwung"},
            "geometry": {"type": "LineString", "coordinates": [[106.82, -6.17], [106.83, -6.18]]},
        },
    ],
}  # fmt: skip


@pytest.fixture
def layer(tmp_path: Path) -> streets.StreetLayer:
    source = tmp_path / "extract.geojson"
    source.write_text(json.dumps(EXTRACT))
    return streets.StreetLayer.from_geojson(streets.to_geojson(streets.from_source(source)))


def test_an_extract_keeps_streets_with_their_kind_and_tidy_name(tmp_path: Path) -> None:
    source = tmp_path / "extract.geojson"
    source.write_text(json.dumps(EXTRACT))
    found = streets.from_source(source)
    assert [(s.name, s.kind, len(s.lines)) for s in found] == [
        ("Jalan Medan Merdeka Barat", "major", 1),
        ("", "minor", 1),  # the one-point part is dropped, the river is not a street
    ]


def test_a_shapefile_extract_reads_like_geojson(tmp_path: Path) -> None:
    # pyshp's Writer leaves its .dbf open when given a path: hand it files we close ourselves.
    with (
        (tmp_path / "roads.shp").open("wb") as shp,
        (tmp_path / "roads.shx").open("wb") as shx,
        (tmp_path / "roads.dbf").open("wb") as dbf,
        shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYLINE) as writer,
    ):
        writer.field("TYPE", "C")
        writer.field("NAME", "C")
        writer.line([[[106.8225, -6.170], [106.8225, -6.185]]])
        writer.record("primary", "Medan Merdeka Barat")
        writer.line([[[106.82, -6.17], [106.83, -6.18]]])
        writer.record("railway", "KRL")
    found = streets.from_source(tmp_path / "roads.shp")
    assert [(s.name, s.kind) for s in found] == [("Medan Merdeka Barat", "major")]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "not JSON"),
        ('{"type": "Feature"}', "FeatureCollection"),
        (
            '{"type":"FeatureCollection","features":[{"properties":{"kind":"minor"},'
            '"geometry":{"type":"LineString","coordinates":[[700,1],[701,2]]}}]}',
            "feature 1: a coordinate is not a longitude/latitude",
        ),
    ],
)
def test_a_bad_layer_is_refused_saying_where(text: str, says: str) -> None:
    with pytest.raises(streets.LayerError, match=says):
        streets.parse(text)


def test_the_nearest_named_street_within_reach(layer: streets.StreetLayer) -> None:
    assert layer.nearest_name(106.8228, -6.176) == "Jalan Medan Merdeka Barat"  # ~33 m east
    assert layer.nearest_name(106.8240, -6.176) is None  # ~166 m: too far
    assert layer.nearest_name(106.8240, -6.1781) is None  # on the lane, which has no name


def test_a_tile_draws_its_streets_and_nothing_elsewhere(layer: streets.StreetLayer) -> None:
    x, y = tiles.tile_at(106.8225, -6.178, 16)
    image = Image.open(io.BytesIO(tiles.tile(layer, 16, x, y))).convert("RGB")
    assert image.size == (256, 256)
    colours = {colour for _, colour in image.getcolors(256 * 256) or []}
    assert tiles.STYLE[0][0] in colours  # the major road's fill
    far = Image.open(io.BytesIO(tiles.tile(layer, 16, x + 40, y))).convert("RGB")
    assert far.getcolors() == [(256 * 256, tiles.BACKGROUND)]


def test_tile_bounds_and_validity() -> None:
    west, south, east, north = tiles.tile_bounds(1, 0, 0)
    assert (west, east, south) == (-180.0, 0.0, 0.0)
    assert north == pytest.approx(85.0511, abs=1e-4)
    assert tiles.valid(15, 26107, 16947)
    assert not tiles.valid(9, 0, 0)
    assert not tiles.valid(15, 2**15, 0)
