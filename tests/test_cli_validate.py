"""``detente validate`` refuses what ``analyze`` and ``sweep`` refuse, with the same line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CLI, SCENARIOS, assert_one_line_error

WORKED = SCENARIOS / "theory" / "worked-example.yaml"


def with_claim(tmp_path: Path, claim: str) -> Path:
    path = tmp_path / "claimed.yaml"
    path.write_text(WORKED.read_text() + f"claims:\n  checked: {claim}\n")
    return path


def test_a_claim_on_an_unknown_field_is_refused_as_analyze_refuses_it(
    detente_cli: CLI, tmp_path: Path
) -> None:
    path = with_claim(tmp_path, "nosuch.field > 1")
    refusals = [detente_cli(command, path) for command in ("validate", "analyze")]
    for done in refusals:
        assert_one_line_error(done, "claimed.yaml:", "claims.checked", "unknown field 'nosuch'")
    assert refusals[0].stderr == refusals[1].stderr


def test_a_claim_on_known_fields_validates(detente_cli: CLI, tmp_path: Path) -> None:
    done = detente_cli("validate", with_claim(tmp_path, "n_outcomes == 4"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ") and "not analysed" not in done.stdout


def test_a_space_too_large_to_analyse_is_valid_but_says_its_claims_are_unchecked(
    detente_cli: CLI, tmp_path: Path
) -> None:
    done = detente_cli("validate", with_claim(tmp_path, "nosuch.field > 1"), "--max-outcomes", "3")
    assert done.returncode == 0, done.stderr
    assert "4 outcomes" in done.stdout
    assert "not analysed (more than --max-outcomes 3 outcomes), so 1 claims unchecked" in " ".join(
        done.stdout.split()
    )
