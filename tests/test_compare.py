"""Paired scenario comparisons: statistics, common random numbers, horizons, the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import desmig_sim
from desmig_sim.cli.main import main
from desmig_sim.config.outcomes import CATALOGUE
from desmig_sim.core.output import file_sha256
from desmig_sim.core.stats import replications_needed
from desmig_sim.experiments.comparison import Comparison
from desmig_sim.experiments.horizons import (
    Horizon,
    HorizonError,
    at_month,
    programme_end_month,
    scenario_horizons,
)
from desmig_sim.reporting.comparison_report import format_difference

from .helpers import SCENARIOS, pooled, small_scenario

VILLAGES = ("Buraen", "Mawar")
MONTHS = 24  # 2017-01 .. 2018-12
#: The policy's components end at different months; the last, the cooperative, in 2018-06 (month 18).
POLICY_WINDOWS = {
    "components.information_centre.end": "2018-03",
    "components.productive_enterprise.end": "2018-04",
    "components.cooperative.end": "2018-06",
    "components.community_parenting.end": "2018-02",
}


def tiny(name: str, **overrides) -> desmig_sim.Scenario:
    data = {**overrides}
    return small_scenario(name, villages=VILLAGES, households=40, months=MONTHS, overrides=data)


@pytest.fixture(scope="module")
def baseline() -> desmig_sim.Scenario:
    return tiny("baseline")


@pytest.fixture(scope="module")
def policy() -> desmig_sim.Scenario:
    return tiny("full_program", **POLICY_WINDOWS)


@pytest.fixture(scope="module")
def comparison(baseline, policy) -> Comparison:
    twin = policy.model_copy(update={"name": "Full programme, second copy"})
    return desmig_sim.compare([baseline, policy, twin], replications=4, seed=11, horizons=["2017-10"])


# --- paired statistics through the Comparison machinery, on a hand-computed case ---------------


def hand_table(income: list[float], poverty: list[float], deaths: list[float]) -> pd.DataFrame:
    """A two-month pooled outcome table (month 1 values first, then month 2)."""
    return pd.DataFrame(
        {
            "month": [1, 2],
            "date": ["2017-01", "2017-02"],
            "village": ["ALL", "ALL"],
            "income_per_capita_mean": income,
            "poverty_rate": poverty,
            "deaths_abroad": deaths,
        }
    )


@pytest.fixture(scope="module")
def hand() -> Comparison:
    base = [
        hand_table([90, 100], [0.3, 0.30], [1, 0]),
        hand_table([95, 110], [0.3, 0.20], [0, 1]),
        hand_table([99, 120], [0.3, 0.25], [2, 0]),
    ]
    policy = [
        hand_table([90, 103], [0.3, 0.28], [0, 1]),
        hand_table([95, 112], [0.3, 0.22], [0, 0]),
        hand_table([99, 127], [0.3, 0.20], [1, 0]),
    ]
    return Comparison({"Base": base, "Policy": policy}, seeds=[1, 2, 3])


def hand_row(comparison: Comparison, scenario: str, outcome: str) -> pd.Series:
    table = comparison.horizons
    rows = table[(table["scenario"] == scenario) & (table["outcome"] == outcome)]
    assert len(rows) == 1, "one end-of-run row per scenario and outcome"
    return rows.iloc[0]


def test_hand_computed_paired_difference_at_end_of_run(hand):
    # Income differences at month 2: 3, 2, 7 -> mean 4, sd sqrt(7); t(0.975, 2 df) = 4.302652729911275.
    row = hand_row(hand, "Policy", "income_per_capita_mean")
    half = 4.302652729911275 * math.sqrt(7) / math.sqrt(3)
    assert row["diff_mean"] == pytest.approx(4.0), "mean of the paired differences 3, 2, 7"
    assert row["diff_sd"] == pytest.approx(math.sqrt(7)), "sd of the paired differences"
    assert row["diff_low"] == pytest.approx(4 - half) and row["diff_high"] == pytest.approx(4 + half), "t CI"
    assert row["share_better"] == 1.0, "higher income is better, and the policy is higher on every seed"
    # Bands: linear quantiles of 100, 110, 120 and of 103, 112, 127.
    assert (row["baseline_p10"], row["baseline_p90"]) == pytest.approx((102.0, 118.0)), "baseline 10-90%"
    assert (row["p10"], row["p90"]) == pytest.approx((104.8, 124.0)), "policy 10-90%"
    assert row["mean"] == pytest.approx(114.0) and row["baseline_mean"] == pytest.approx(110.0), "means"


def test_hand_computed_direction_and_cumulative_outcomes(hand):
    poverty = hand_row(hand, "Policy", "poverty_rate")
    # Differences -0.02, +0.02, -0.05: lower poverty is better, so 2 of 3 runs are better.
    assert poverty["diff_mean"] == pytest.approx(-0.05 / 3), "mean poverty difference"
    assert poverty["share_better"] == pytest.approx(2 / 3), "lower is better for poverty"
    deaths = hand_row(hand, "Policy", "deaths_abroad")
    # Deaths are summed to the horizon: baseline 1, 1, 2; policy 1, 0, 1 -> differences 0, -1, -1.
    assert deaths["aggregation"] == "cumulative", "deaths abroad are a cumulative outcome"
    assert deaths["baseline_mean"] == pytest.approx(4 / 3) and deaths["mean"] == pytest.approx(2 / 3)
    assert deaths["diff_mean"] == pytest.approx(-2 / 3), "cumulative difference"
    assert deaths["share_better"] == pytest.approx(2 / 3), "a tie (difference 0) does not count as better"


def test_hand_computed_over_time_and_replications_needed(hand):
    frame = hand.over_time
    month1 = frame[(frame["scenario"] == "Policy") & (frame["month"] == 1)].set_index("outcome")
    assert month1.loc["income_per_capita_mean", "diff_mean"] == 0.0, "identical in month 1"
    assert month1.loc["income_per_capita_mean", "diff_high"] == 0.0, "zero-width interval when identical"
    month2 = frame[(frame["scenario"] == "Policy") & (frame["month"] == 2)].set_index("outcome")
    assert month2.loc["income_per_capita_mean", "diff_mean"] == pytest.approx(4.0), (
        "month 2 as at the horizon"
    )
    # Over time, flows are monthly values, not cumulative: deaths in month 2 differ by 1, -1, 0.
    assert month2.loc["deaths_abroad", "diff_mean"] == pytest.approx(0.0), "monthly deaths difference"
    needed = hand.replications_needed("income_per_capita_mean", 4.0)
    assert needed == {"Policy": replications_needed(math.sqrt(7), 4.0)}, "uses the sd of paired differences"
    assert hand.replications_needed("income_per_capita_mean", 2.0)["Policy"] > needed["Policy"], (
        "a narrower interval needs more replications"
    )
    with pytest.raises(ValueError, match="allowed: income_per_capita_mean"):
        hand.replications_needed("income", 1.0)


def test_comparison_refuses_runs_that_do_not_pair():
    table = hand_table([1, 2], [0.1, 0.1], [0, 0])
    with pytest.raises(ValueError, match="do not pair"):
        Comparison({"A": [table, table], "B": [table]}, seeds=[1, 2])
    with pytest.raises(ValueError, match="month 3 is not a month of the runs"):
        Comparison(
            {"A": [table]}, seeds=[1], horizons={"A": [Horizon("at_2017-03", "Chosen month", 3, "2017-03")]}
        )


# --- common random numbers ----------------------------------------------------------------------


def test_baseline_against_itself_is_exactly_zero(comparison):
    table = comparison.horizons
    own = table[table["scenario"] == comparison.baseline]
    assert not own.empty, "the baseline has its own rows"
    # A share with no denominator in every run (no departures in that month) has no pairs: missing.
    paired = own[own["n"] > 1]  # with one pair the interval is undefined
    shares_of_departures = {
        c for c, o in CATALOGUE.items() if o.pooled == "share" and "departures" in o.denominator
    }
    assert set(own.loc[own["n"] == 0, "outcome"]) <= shares_of_departures
    for column in ("diff_mean", "diff_low", "diff_high", "diff_sd"):
        assert (paired[column] == 0.0).all(), f"baseline minus itself: {column} must be exactly 0"
        assert own.loc[own["n"] == 0, column].isna().all(), "no pairs: missing, not 0"
    over = comparison.over_time
    mine = over[(over["scenario"] == comparison.baseline) & (over["n"] > 1)]
    assert (mine["diff_high"] == 0.0).all(), "every month too"


def test_identical_policies_give_identical_differences(comparison):
    table = comparison.horizons.set_index(["horizon", "outcome"])
    a = table[table["scenario"] == "Full programme"]
    b = table[table["scenario"] == "Full programme, second copy"]
    columns = ["mean", "diff_mean", "diff_low", "diff_high", "share_better"]
    pd.testing.assert_frame_equal(a[columns], b[columns], check_exact=True)
    members = a.loc[("end_of_run", "coop_members"), "diff_mean"]
    assert members > 0, "the policy itself differs from the baseline (cooperatives exist only with it)"


def test_replications_are_the_runs_of_the_shared_seeds(comparison, baseline, policy):
    assert len(comparison.seeds) == 4 and len(set(comparison.seeds)) == 4, "four distinct seeds"
    runs = comparison.runs
    for name, scenario in ((comparison.baseline, baseline), ("Full programme", policy)):
        mine = runs[(runs["scenario"] == name) & (runs["replication"] == 2)].set_index("month")
        assert (mine["seed"] == comparison.seeds[2]).all(), "replication 2 ran on seed 2"
        alone = pooled(desmig_sim.run(scenario, comparison.seeds[2], agents=False).timeseries)
        np.testing.assert_array_equal(
            mine["poverty_rate"].to_numpy(), alone["poverty_rate"].to_numpy(), "same as a run on that seed"
        )


@pytest.mark.slow
def test_workers_give_the_same_results_as_serial(baseline, policy, comparison):
    parallel = desmig_sim.compare([baseline, policy], replications=4, seed=11, workers=2)
    serial = comparison.runs[comparison.runs["scenario"].isin(parallel.names)].reset_index(drop=True)
    pd.testing.assert_frame_equal(parallel.runs, serial, check_exact=True)


# --- horizons -----------------------------------------------------------------------------------


def test_end_of_programme_from_component_windows(policy, baseline, comparison):
    assert programme_end_month(policy) == 18, "the cooperative is the last to end, in 2018-06 (month 18)"
    assert programme_end_month(baseline) is None, "no enabled component: no end of programme"
    late = tiny("full_program", **{"components.cooperative.end": "2030-01"})
    assert programme_end_month(late) == MONTHS, "a window beyond the run is cut at the run's end"
    off = tiny("full_program", **{**POLICY_WINDOWS, "components.cooperative.enabled": False})
    assert programme_end_month(off) == 16, "a disabled component does not count: productive enterprise ends"
    after = tiny(
        "cooperative", **{"components.cooperative.start": "2019-03", "components.cooperative.end": "2020-01"}
    )
    assert programme_end_month(after) is None, "a component that starts after the run does not run in it"
    names = [(h.name, h.month, h.date) for h in comparison.horizon_points["Full programme"]]
    assert names == [
        ("end_of_programme", 18, "2018-06"),
        ("end_of_run", 24, "2018-12"),
        ("at_2017-10", 10, "2017-10"),
    ], "policy horizons: its programme end, the run end, the chosen month"
    table = comparison.horizons
    rows = table[(table["scenario"] == "Full programme") & (table["horizon"] == "end_of_programme")]
    month18 = comparison.runs[(comparison.runs["month"] == 18)]
    expected = month18[month18["scenario"] == comparison.baseline]["poverty_rate"].mean()
    got = rows.loc[rows["outcome"] == "poverty_rate", "baseline_mean"].iloc[0]
    assert got == pytest.approx(expected), "the baseline is read at the policy's end-of-programme month"


def test_chosen_months_must_lie_in_the_run(policy):
    assert at_month(policy, "2017-01") == Horizon("at_2017-01", "Chosen month", 1, "2017-01")
    with pytest.raises(HorizonError, match="allowed: 2017-01 to 2018-12"):
        at_month(policy, "2019-01")
    with pytest.raises(HorizonError, match="allowed: 2017-01 to 2018-12"):
        scenario_horizons(policy, ["2016-12"])


# --- the command line ---------------------------------------------------------------------------


def write_scenarios(folder: Path) -> tuple[Path, Path]:
    common = (
        f'[run]\nmonths = {MONTHS}\n[world]\nvillages = ["Buraen", "Mawar"]\n'
        "[parameters.village]\nhouseholds_per_village = 40\n"
    )
    base = folder / "base.toml"
    base.write_text(f'extends = "{(SCENARIOS / "baseline.toml").as_posix()}"\n{common}', encoding="utf-8")
    pol = folder / "policy.toml"
    pol.write_text(
        f'extends = "{(SCENARIOS / "full_program.toml").as_posix()}"\n{common}'
        + "".join(
            f'[{".".join(path.split(".")[:2])}]\nend = "{end}"\n' for path, end in POLICY_WINDOWS.items()
        ),
        encoding="utf-8",
    )
    return base, pol


@pytest.mark.slow
def test_cli_writes_a_consistent_comparison(tmp_path, capsys):
    base, pol = write_scenarios(tmp_path)
    out = tmp_path / "out"
    argv = ["compare", str(pol), "--baseline", str(base), "-r", "3", "--seed", "5", "--out", str(out)]
    argv += ["--at", "2017-10", "--target-width", "income_per_capita_mean=1000"]
    assert main(argv) == 0
    expected = {
        "report.md",
        "horizons.csv",
        "over_time.csv",
        "differences_over_time.csv",
        "runs_at_horizons.csv",
        "runs.parquet",
        "timeseries.parquet",
        "replications_needed.csv",
        "timeseries.png",
        "forest.png",
        "differences_over_time.png",
        "manifest.json",
        "groups.csv",  # the world has neighbours: programme villages and neighbours apart
    }
    written = {p.name for p in out.iterdir()}
    assert written == expected, f"compare should write {sorted(expected)}, wrote {sorted(written)}"
    for png in ("timeseries.png", "forest.png", "differences_over_time.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is a PNG"
    manifest = json.loads((out / "manifest.json").read_text())
    seeds = [entry["seeds"] for entry in manifest["scenarios"].values()]
    assert len(seeds) == 2 and seeds[0] == seeds[1] == manifest["seeds"], (
        "every scenario ran on the same seeds"
    )
    assert manifest["root_seed"] == 5 and manifest["baseline"] == "Baseline (no programme)"
    assert manifest["scenarios"]["Full programme"]["file"] == str(pol.resolve()), "scenario file recorded"
    for name, digest in manifest["files"].items():
        assert file_sha256(out / name) == digest, f"manifest hash of {name}"
    assert {"python", "mesa", "git_commit"} <= set(manifest["environment"]), "versions recorded"

    api = desmig_sim.compare([pol], replications=3, baseline=base, seed=5, horizons=["2017-10"])
    csv = pd.read_csv(out / "horizons.csv")
    numeric = ["month", "mean", "p10", "p90", "diff_mean", "diff_low", "diff_high", "share_better"]
    pd.testing.assert_frame_equal(csv[numeric], api.horizons[numeric], check_dtype=False, rtol=1e-12)
    assert set(csv["horizon"]) == {"end_of_programme", "end_of_run", "at_2017-10"}, "the three horizons"
    diffs = pd.read_csv(out / "differences_over_time.csv")
    assert len(diffs) == MONTHS * len(api.columns), "one row per policy, month and outcome"

    report = (out / "report.md").read_text()
    for needle in (
        "## How to read this",
        "### End of programme (2018-06, month 18)",
        "### End of run (2018-12",
        "Difference (95% CI)",
        "## Replications needed",
        "## Provenance",
        "forest.png",
    ):
        assert needle in report, f"report.md should contain {needle!r}"
    income = api.horizons.query("scenario == 'Full programme' and horizon == 'end_of_run'").set_index(
        "outcome"
    )
    difference = format_difference(income.loc["income_per_capita_mean", "diff_mean"], "IDR/person/month")
    assert "| Income per capita (mean) (IDR/person/month) | " in report and difference in report, (
        f"the report shows the income difference {difference}"
    )
    needed = api.replications_needed("income_per_capita_mean", 1000)["Full programme"]
    printed = capsys.readouterr().out
    lines = [line for line in printed.splitlines() if "end_of_run (2018-12)" in line]
    assert lines and lines[0].rstrip(" │").endswith(f" {needed:,}"), f"{needed} printed: {lines}"
    assert needed > 2, "income differs between runs: more than the minimum of 2 replications needed"
    table = pd.read_csv(out / "replications_needed.csv")
    end = table[table["horizon"] == "end_of_run"]
    assert end["replications_needed"].tolist() == [needed], "the same figure in the CSV and the API"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--at", "2019-01"], "outside the run window; allowed: 2017-01 to 2018-12"),
        (["BAD"], "bad.toml: field `parameters.migration.brokr_contact_prob`"),
        (["OTHER_WINDOW"], "other.toml: field `run.months`: 30 differs from the baseline's 24"),
        (["SAME_NAME"], "same.toml: field `name`: 'Baseline (no programme)' is also the name of"),
        (["--target-width", "gini=0.01", "-r", "1"], "needs at least 2 pilot replications"),
    ],
)
def test_cli_kind_errors_exit_2_and_write_nothing(tmp_path, capsys, extra, needle):
    base, pol = write_scenarios(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "policy.toml"\n[parameters.migration]\nbrokr_contact_prob = 0.1\n')
    other = tmp_path / "other.toml"
    other.write_text('extends = "policy.toml"\nname = "Longer"\n[run]\nmonths = 30\n')
    same = tmp_path / "same.toml"
    same.write_text('extends = "base.toml"\n[components.cooperative]\nenabled = true\n')
    files = {"BAD": bad, "OTHER_WINDOW": other, "SAME_NAME": same}
    out = tmp_path / "never"
    args = [str(files.get(e, e)) for e in extra]
    scenario_args = [a for a in args if a.endswith(".toml")]
    options = [a for a in args if not a.endswith(".toml")]
    status = main(["compare", str(base), str(pol), *scenario_args, "-r", "2", "--out", str(out), *options])
    err = capsys.readouterr().err
    assert status == 2, "bad input exits with code 2"
    assert needle in " ".join(err.split()), f"message should say {needle!r}, got {err!r}"
    assert "Traceback" not in err, "no traceback"
    assert not out.exists(), "nothing written"
    assert not list(tmp_path.glob(".never*")), "no staging folder left behind"


@pytest.mark.parametrize(
    "options",
    [["--at", "2018-13"], ["--target-width", "income=5"], ["--target-width", "poverty_rate=-1"], ["-r", "0"]],
)
def test_cli_bad_arguments_exit_2(tmp_path, capsys, options):
    base, pol = write_scenarios(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", str(base), str(pol), "--out", str(tmp_path / "never"), *options])
    assert exit_info.value.code == 2, "argparse rejects bad arguments with exit code 2"
    err = capsys.readouterr().err
    assert "allowed" in err or "YYYY-MM" in err or "use 1 or more" in err, (
        f"the message says what is allowed: {err}"
    )
    assert not (tmp_path / "never").exists(), "nothing written"


def test_independent_difference_is_welchs_interval():
    from scipy import stats as sps

    from desmig_sim.core.stats import independent_difference

    policy, base = np.array([1.0, 2, 3, 4]), np.array([2.0, 5, 3, 9])
    got = independent_difference(policy, base)
    expected = sps.ttest_ind(policy, base, equal_var=False).confidence_interval(0.95)
    assert got.mean == pytest.approx(-2.25), "difference of the means"
    assert (got.low, got.high) == pytest.approx((expected.low, expected.high), rel=1e-12), "Welch interval"


def test_vectorised_statistics_agree_with_the_scalar_ones():
    from desmig_sim.core.stats import band, bands, paired_difference, paired_differences

    rng = np.random.default_rng(5)
    policy, base = rng.normal(size=(6, 4, 3)), rng.normal(size=(6, 4, 3))
    better = np.array([1, -1, 0])
    many = paired_differences(policy, base, better=better)
    low, high = bands(policy)
    for j in range(4):
        for k in range(3):
            one = paired_difference(policy[:, j, k], base[:, j, k], better=int(better[k]))
            got = [many[key][j, k] for key in ("mean", "low", "high", "sd")]
            assert got == pytest.approx([one.mean, one.low, one.high, one.sd], rel=1e-12), "same interval"
            assert many["share_better"][j, k] == pytest.approx(one.share_better, nan_ok=True), "same share"
            assert (low[j, k], high[j, k]) == pytest.approx(band(policy[:, j, k]), rel=1e-12), "same band"


def test_baseline_given_twice_runs_once(baseline, policy):
    both = desmig_sim.compare([baseline, policy], replications=2, baseline=baseline, seed=3)
    assert both.names == [baseline.name, policy.name], "the baseline is not repeated among the policies"
    assert both.policies == [policy.name] and both.baseline == baseline.name
