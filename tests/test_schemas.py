"""The JSON Schemas editors use are current, and agree with the loader on the demo's files."""
import json

import jsonschema
import yaml
from conftest import REPO

from generator.content.json_schema import render_schemas


def test_committed_schemas_are_current():
    for name, text in render_schemas(REPO).items():
        assert (REPO / "data/schemas" / name).read_text("utf-8") == text, f"run `wanjia schema` ({name})"


def test_demo_yaml_points_editors_at_its_schema_and_validates():
    shipped = "generator/shipped/data"
    files = {"data/township.yml": "township", "data/calendar.yml": "calendar", "data/schedule.yml": "schedule",
             f"{shipped}/topics.yml": "topics", f"{shipped}/groups.yml": "groups", f"{shipped}/audiences.yml": "audiences",
             f"{shipped}/publicity.yml": "publicity", f"{shipped}/hotlines.yml": "hotlines",
             f"{shipped}/seasons.yml": "seasons", f"{shipped}/synonyms.yml": "synonyms",
             **{f"campaigns/{p.name}": "campaign" for p in (REPO / "campaigns").glob("*.yml")},
             **{f"{shipped}/regions/{p.name}": "region" for p in (REPO / shipped / "regions").glob("*.yml")},
             **{f"{shipped}/holidays/{p.name}": "holidays" for p in (REPO / shipped / "holidays").glob("*.yml")}}
    for rel, kind in files.items():
        text = (REPO / rel).read_text("utf-8")
        assert text.startswith("# yaml-language-server: $schema="), rel
        assert f"{kind}.schema.json" in text.splitlines()[0], rel
        schema = json.loads((REPO / "data/schemas" / f"{kind}.schema.json").read_text("utf-8"))
        # YAML dates are strings to editors (YAML 1.2), so load with the base loader
        jsonschema.validate(_as_editor_sees(text), schema)


def _as_editor_sees(text: str):
    """YAML 1.2 as yaml-language-server reads it: dates stay strings, only true/false are booleans."""
    import re

    class Loader(yaml.SafeLoader):
        pass
    dropped = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] not in dropped]
                                      for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
    return yaml.load(text, Loader=Loader)


def test_schema_catches_what_the_loader_catches():
    schema = json.loads((REPO / "data/schemas/campaign.schema.json").read_text("utf-8"))
    bad = _as_editor_sees((REPO / "campaigns/winter-door-to-door.yml").read_text("utf-8").replace("lead:", "laed:"))
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the editor schema accepted an unknown key")
