"""The demo township itself: valid, complete, and honest about review."""
import yaml
from conftest import REPO, SHARED

from generator.content.load import load_project


def test_demo_has_no_errors():
    project, problems = load_project(REPO)
    assert project is not None, problems.as_text()
    assert problems.errors == []
    # every material is honestly unreviewed: nobody here may mark legal content 已审核
    assert {m.review.status for m in project.materials} == {"待审核"}
    assert len(problems.warnings) == len(project.materials) + len(project.lessons)


def test_taxonomy_keeps_every_shared_id():
    contract = yaml.safe_load((REPO / "tests/fixtures/taxonomy-contract.yml").read_text("utf-8"))
    project, _ = load_project(REPO)
    for kind, mine in (("topics", project.topic), ("audiences", project.audience)):
        assert set(contract[kind]) <= set(mine), f"{kind} missing {set(contract[kind]) - set(mine)}"
        if (SHARED / "taxonomy").is_dir():  # the copy is the contract, where the contract is beside
            shared = [row["id"] for row in yaml.safe_load((SHARED / "taxonomy" / f"{kind}.yml").read_text("utf-8"))]
            assert contract[kind] == shared, kind


def test_demo_township_shape():
    project, _ = load_project(REPO)
    t = project.township
    assert t.region == "苏南"
    assert 8 <= len(t.villages) <= 12
    assert all(3 <= len(v.grids) <= 6 for v in t.villages)
    units = {c.unit for c in t.cadres}
    assert {"党政办", "综治办", "司法所", "派出所", "信访办", "安监办", "农业服务中心"} <= units
    assert len(t.schools) == 3
    assert len(project.materials) >= 12
    titles = {c.title for c in project.campaigns}
    assert {"春节前后返乡农民工讨薪与禁赌宣传", "出租房屋和流动人口登记宣传", "冬闲「平安法治进万家」走村入户"} <= titles


def test_every_team_is_one_leader_and_two_heads():
    project, _ = load_project(REPO)
    for v in project.township.villages:
        roles = [project.cadre[c].role for c in v.team.members]
        assert roles == ["党政领导", "部门负责人", "部门负责人"], v.name


def test_rental_selector_picks_migrant_dense_villages():
    project, _ = load_project(REPO)
    campaign = project.campaign["rental-migrant-registration"]
    chosen = {v.id for v in project.campaign_villages(campaign)}
    assert chosen == {v.id for v in project.township.villages if v.rental >= 20}
    assert "xinqiao" in chosen and "hewan" not in chosen
