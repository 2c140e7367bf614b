"""Random YAML and front matter never make the loader raise: it reports, with a position."""
from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content import model
from generator.content.load import Layout, load_page, load_yaml_file
from generator.problems import Problems

KEYS = st.sampled_from(["id", "title", "name", "topics", "villages", "grids", "team", "leader", "heads",
                        "households", "review", "status", "on", "citations", "articles", "version", "when",
                        "around", "before", "x", "活动", "1", "null", "true"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=12), st.dates().map(str), st.sampled_from(["待审核", "全部", "wage-arrears"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)
ROOTS = st.sampled_from([model.TOWNSHIP_FILE, model.CAMPAIGN_FILE, model.TOPICS_FILE, model.MATERIAL_META])
RAW = st.text(alphabet=st.sampled_from(list("-:[]{}#&*!|>'\"%@`,? \n\tab中文12")), max_size=80)


def _check_problems(problems: Problems) -> None:
    for p in problems.items:
        assert p.pos.line >= 1 and p.pos.col >= 1
        assert p.message and "Traceback" not in p.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES, root=ROOTS)
def test_random_structures(tmp_path_factory, value, root):
    path = tmp_path_factory.mktemp("p") / "f.yml"
    path.write_text(yaml.safe_dump(value, allow_unicode=True), "utf-8")
    problems = Problems()
    load_yaml_file(path, "f.yml", root, problems, [])
    _check_problems(problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=RAW, root=ROOTS)
def test_random_text(tmp_path_factory, text, root):
    path = tmp_path_factory.mktemp("p") / "f.yml"
    path.write_text(text, "utf-8")
    problems = Problems()
    load_yaml_file(path, "f.yml", root, problems, [])
    _check_problems(problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.one_of(RAW, VALUES.map(lambda v: yaml.safe_dump(v, allow_unicode=True))), body=st.text(max_size=30),
       raw=st.binary(max_size=16))
def test_random_front_matter(tmp_path_factory, front, body, raw):
    root = tmp_path_factory.mktemp("p")
    path = root / "docs/materials/work/x.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\n" + front.encode("utf-8") + b"\n---\n" + body.encode("utf-8") + raw)
    problems = Problems()
    load_page(path, Layout(root), model.MATERIAL_META, problems, [])
    _check_problems(problems)


SEGMENTS = st.sampled_from(["materials", "work", "index.md", "x.md", "a", "", "."])


@settings(max_examples=500, deadline=None)
@given(path=st.lists(SEGMENTS, max_size=5).map("/".join), start=st.lists(SEGMENTS, max_size=5).map("/".join))
def test_a_sites_relative_link_is_posix_relpaths(path, start):
    """The plan pages' fast relative links are exactly posixpath.relpath's, for any site path."""
    import posixpath

    from generator.site.text import relative

    path, start = path or ".", start or "."
    assert relative(path, start) == posixpath.relpath(path, start)
