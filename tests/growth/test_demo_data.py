"""The growth demo's data files (demo/growth/) parse and their references resolve."""

import pytest

from academy.demo_data import demo_dir, load
from academy.models import GrowthStage, Industry
from growth import demo
from growth.models import DIRECTIONS


def test_every_file_parses():
    names = sorted(p.name for p in (demo_dir() / "growth").glob("*.yaml"))
    assert names == [
        "cases.yaml",
        "learning_paths.yaml",
        "providers.yaml",
        "questionnaire.yaml",
        "team.yaml",
    ]
    for name in names:
        assert isinstance(load(f"growth/{name}"), dict)


def test_questionnaire_directions_are_the_four_growth_stages():
    spec = demo.questionnaire_spec()
    # 創建 / 能力 / 運營 / 業務拓展: the stages the model knows, each with questions.
    assert set(spec["directions"]) == set(DIRECTIONS) == set(GrowthStage.values)
    for direction in spec["directions"].values():
        assert direction["questions"] and all(q["text"] for q in direction["questions"])
        assert 0 <= direction["developing_from"] <= direction["established_from"] <= 100
    assert 0 <= spec["capability_from"] <= spec["operations_from"] <= spec["expansion_from"] <= 100
    assert len(spec["answers"]) >= 2 and all("points" in a for a in spec["answers"])


@pytest.mark.django_db
def test_providers_name_known_stages_and_industries():
    industries = set(Industry.objects.values_list("slug", flat=True))
    names = [spec["name"] for spec in demo.provider_specs()]
    assert len(names) == len(set(names))
    for spec in demo.provider_specs():
        assert spec["stage"] in GrowthStage.values, spec["name"]
        assert set(spec["industries"]) <= industries, spec["name"]


def test_cases_paths_and_team_refer_to_what_exists():
    providers = {spec["name"] for spec in demo.provider_specs()}
    for case in demo.case_specs():
        assert case["provider"] in providers, case["slug"]
        assert all({"label", "value", "unit"} <= set(m) for m in case["metrics"]), case["slug"]
    for path in demo.path_specs():
        assert path["growth_stage"] in GrowthStage.values and path["courses"], path["slug"]
    team = demo.team_spec()
    assert team["assignments"]["team_path_stage"] in GrowthStage.values
    emails = [member["email"] for member in team["members"]]
    assert len(emails) == len(set(emails))
    assert all(0 <= member["exam_share"] <= 1 for member in team["members"])
