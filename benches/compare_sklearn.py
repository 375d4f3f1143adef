#!/usr/bin/env python3
"""Side-by-side timing of the whole method: `banenafspraak estimate` (Rust) against the
same method written with pandas + scikit-learn, on one synthetic CSV.

    python3 benches/compare_sklearn.py [--persons 600000] [--seed 1] [--repeat 3] [--keep]

Steps: `cargo build --release` in the repository root (found relative to this file), write
the CSV with `banenafspraak synth`, then time each side end to end in `--repeat` paired
rounds (wall clock; the ratio of the medians is the figure) and check that both results
tables agree. Rust runs with `--intervals none`: Python computes no intervals either. One
more Rust run, not timed, gives the 95% bootstrap intervals (200 replicates) that the check
of agreement uses. The method is `shared/spec/method.md`; the Python version mirrors
`src/estimate/pipeline.rs`, `src/model/design.rs`, `src/model/features.rs`,
`src/estimate/populations.rs` and `src/estimate/aggregate.rs`.

What the comparison does and does not hold equal:
- Rust validates every row against schema v1 while reading; Python does not validate at
  all. That favours Python.
- Both fit depth-5 trees with the same minimum leaf sizes on the same persons (all eligible,
  80/20 split stratified by class), compute the held-out AUC/Brier/log loss, score the four
  populations and write results table v1. The samples differ (different random number
  generators), so the numbers are close, not identical.
- Categorical features (sex, migration, generation, education) are one-hot encoded for
  scikit-learn: a split on one indicator is exactly the Rust tree's one-category-vs-rest
  split, so both trees search the same set of splits.
- Rust uses every core (rayon); scikit-learn's tree fitting is single-threaded. A second
  Rust row with RAYON_NUM_THREADS=1 shows the single-core figure.

If pandas or scikit-learn is missing the script says how to install them and exits 0, so
that it never fails a run for lack of optional Python packages.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BINARY = REPO / "target" / "release" / "banenafspraak"

# Seed of the 80/20 splits (and the trees' random_state). Passed to Rust explicitly; the
# two sides use different generators, so the same seed does not mean the same sample.
SPLIT_SEED = 2019
MAX_DEPTH = 5
COMPARABILITY_MIN_LEAF = 1000
JOB_MIN_LEAF = 100
VALIDATION_SHARE = 0.2
# The two sides draw different 80/20 splits, so their `comparable` totals differ by the
# models' sampling error. Each side's total has about the spread of Rust's bootstrap, so
# their difference has sqrt(2) times it: the check accepts a difference within its 99%
# band, sqrt(2) * 2.576 / 1.96 = 1.86 times the half of Rust's 95% interval on the side of
# the difference. Four totals then fail together by chance about once in 25 runs.
DIFFERENCE_BAND = 2.0 ** 0.5 * 2.576 / 1.96

# Schema v1 codes, in the order of src/schema/codes.rs.
SEX = ["male", "female"]
MIGRATION = ["none", "western", "non_western"]
GENERATION = [0, 1, 2]
EDUCATION = [
    "none", "primary", "vmbo_bk", "vmbo_gt", "havo_vwo_lower", "praktijkonderwijs",
    "mbo1", "mbo2", "mbo3", "mbo4", "havo_upper", "vwo_upper", "hbo_associate",
    "hbo_bachelor", "wo_bachelor", "hbo_master", "wo_master", "doctor", "unknown",
]
WIA_CLASS = ["none", "wia_35min", "wga_35_80", "wga_80_100", "iva"]
REGISTER_BASIS = [
    "wajong", "wsw", "wiw_id", "indicatie", "praktijkroute", "vso_pro", "voorziening", "other",
]
OLD_GROUPS = ["wajong", "wsw", "wiw_id"]
DAYS = [
    "days_employee", "days_ww", "days_bijstand", "days_sickness_disability",
    "days_other_social_benefit", "days_any_benefit", "days_in_school",
    "days_student_with_income", "days_no_income", "days_nug",
]
MIN_AGE, MAX_AGE = 16, 66

RESULT_COLUMNS = [
    "population", "subgroup", "persons", "comparable", "mean_probability", "had_work",
    "finds_work", "keeps_work", "comparable_low", "comparable_high",
]


def import_python_stack():
    """numpy, pandas and scikit-learn, or None (with install advice) when any is missing."""
    try:
        import numpy
        import pandas
        import sklearn
    except ImportError as e:
        print(f"compare_sklearn: skipped, {e.name} is not installed.")
        print("Install the Python side with:  pip install pandas scikit-learn")
        return None
    return numpy, pandas, sklearn


# ---------------------------------------------------------------------------------------
# Rust side
# ---------------------------------------------------------------------------------------


def run(cmd, **kw):
    """Runs one of the script's own steps, echoing it; stops the script if it fails."""
    print("$", " ".join(str(c) for c in cmd), flush=True)
    try:
        subprocess.run(cmd, check=True, **kw)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"compare_sklearn: {cmd[0]} failed: {e}\n{getattr(e, 'stderr', None) or ''}")


def rust_command(csv_path, out_path, intervals):
    return [
        BINARY, "estimate", "--input", csv_path, "--quiet", "--format", "csv",
        "--output", out_path, "--sample-size", "all", "--seed", str(SPLIT_SEED),
        "--max-depth", str(MAX_DEPTH), "--min-leaf", str(COMPARABILITY_MIN_LEAF),
        "--job-min-leaf", str(JOB_MIN_LEAF), "--intervals", intervals,
    ]


def time_rust(csv_path, out_path, env=None):
    """Wall-clock seconds of one whole `estimate --intervals none` process."""
    t = time.perf_counter()
    subprocess.run(rust_command(csv_path, out_path, "none"), check=True, env=env)
    return time.perf_counter() - t


# ---------------------------------------------------------------------------------------
# Python side: the same method with pandas + scikit-learn
# ---------------------------------------------------------------------------------------


class PythonMethod:
    """The method of shared/spec/method.md in pandas + scikit-learn, timed by phase."""

    def __init__(self, np, pd):
        from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
        from sklearn.model_selection import train_test_split
        from sklearn.tree import DecisionTreeClassifier

        self.np, self.pd = np, pd
        self.tree = DecisionTreeClassifier
        self.split = train_test_split
        self.metrics = (roc_auc_score, brier_score_loss, log_loss)
        cat = pd.CategoricalDtype
        # Explicit dtypes: codes as categoricals with the schema's levels (so codes are the
        # one-hot positions), small ints, and float for the columns that may be empty.
        self.dtypes = {
            "person_id": "str", "sex": cat(SEX), "migration": cat(MIGRATION),
            "education": cat(EDUCATION), "wia_class": cat(WIA_CLASS),
            "register_basis": cat(REGISTER_BASIS),
            "age": "int16", "generation": "int8", "years_special_secondary": "int16",
            "disability_pct": "int16", "employed": "int8", "ww": "int8",
            "bijstand": "int8", "nug": "int8", "in_register": "int8",
            "months_without_work": "float32", "months_bijstand": "float32",
            "register_entry_year": "float32", "found_job_within_year": "float32",
            "kept_job_one_year": "float32",
            **{d: "int16" for d in DAYS},
        }

    def run(self, csv_path, out_path):
        """Reads, fits, scores and writes; returns seconds per phase and fit details."""
        t = [time.perf_counter()]
        df = self.pd.read_csv(csv_path, dtype=self.dtypes)
        t.append(time.perf_counter())
        x_comp, age = self.encode(df)
        t.append(time.perf_counter())
        models, f, stages = self.fit(df, x_comp, age)
        t.append(time.perf_counter())
        self.score_and_write(df, x_comp, age, models, f, out_path)
        t.append(time.perf_counter())
        phases = dict(zip(["read", "encode", "fit", "score"], self.np.diff(t)))
        phases["total"] = t[-1] - t[0]
        return phases, f, stages

    def encode(self, df):
        """Comparability features (never age) for every row, float32 as sklearn's trees
        want; age separately, appended for the job models."""
        np = self.np
        numeric = df[DAYS + ["years_special_secondary", "disability_pct"]].to_numpy(np.float32)
        one_hot = [
            np.eye(len(SEX), dtype=np.float32)[df["sex"].cat.codes.to_numpy()],
            np.eye(len(MIGRATION), dtype=np.float32)[df["migration"].cat.codes.to_numpy()],
            np.eye(len(GENERATION), dtype=np.float32)[df["generation"].to_numpy()],
            np.eye(len(EDUCATION), dtype=np.float32)[df["education"].cat.codes.to_numpy()],
        ]
        return np.hstack([numeric, *one_hot]), df["age"].to_numpy(np.float32)

    def fit_stage(self, x, y, min_leaf):
        """Stratified, seeded 80/20 split; fit on 80%, validate on 20% (as Rust does)."""
        auc, brier, logloss = self.metrics
        train, validate = self.split(
            self.np.arange(len(y)), test_size=VALIDATION_SHARE, stratify=y,
            random_state=SPLIT_SEED,
        )
        model = self.tree(
            max_depth=MAX_DEPTH, min_samples_leaf=min_leaf, random_state=SPLIT_SEED
        ).fit(x[train], y[train])
        p = model.predict_proba(x[validate])[:, 1]
        yv = y[validate]
        stage = {
            "eligible": len(y), "n_train": len(train), "leaves": model.get_n_leaves(),
            "auc": auc(yv, p), "brier": brier(yv, p), "log_loss": logloss(yv, p, labels=[0, 1]),
        }
        return model, stage

    def fit(self, df, x_comp, age):
        np = self.np
        in_register = df["in_register"].to_numpy() == 1
        basis = df["register_basis"]
        old = basis.isin(OLD_GROUPS).to_numpy()
        ages = df["age"].to_numpy()
        working_age = (ages >= MIN_AGE) & (ages <= MAX_AGE)

        # Comparability: register members outside the old groups vs non-members, 16..=66.
        positive = in_register & ~old
        rows = np.flatnonzero(working_age & (positive | ~in_register))
        comp, s_comp = self.fit_stage(x_comp[rows], positive[rows], COMPARABILITY_MIN_LEAF)

        # f = register size / register size without wajong, wsw, wiw_id (all ages).
        f = in_register.sum() / (in_register & ~old).sum()

        def job_x(r):
            return np.column_stack([x_comp[r], age[r]])

        # Job-find: entrants with a recorded outcome, not praktijkroute.
        found = df["found_job_within_year"].to_numpy()
        rows = np.flatnonzero(
            ~np.isnan(found) & in_register & (basis != "praktijkroute").to_numpy()
        )
        find, s_find = self.fit_stage(job_x(rows), found[rows] == 1, JOB_MIN_LEAF)

        # Job-keep: members outside the old groups who started a job, with the outcome.
        kept = df["kept_job_one_year"].to_numpy()
        rows = np.flatnonzero(~np.isnan(kept) & in_register & ~old)
        keep, s_keep = self.fit_stage(job_x(rows), kept[rows] == 1, JOB_MIN_LEAF)

        stages = {"comparability": s_comp, "job-find": s_find, "job-keep": s_keep}
        return (comp, find, keep), f, stages

    def score_and_write(self, df, x_comp, age, models, f, out_path):
        """Scores each person of the union of the four populations once, then sums."""
        np, pd = self.np, self.pd
        comp, find, keep = models
        ages = df["age"].to_numpy()
        scope = (ages >= MIN_AGE) & (ages <= MAX_AGE) & (df["in_register"].to_numpy() == 0)
        wia = df["wia_class"].to_numpy()
        members = {
            "ww": df["ww"].to_numpy() == 1,
            "wia": wia != "none",
            "bijstand": df["bijstand"].to_numpy() == 1,
            "nug": df["nug"].to_numpy() == 1,
        }
        rows = np.flatnonzero(scope & np.logical_or.reduce(list(members.values())))

        xc = x_comp[rows]
        xj = np.column_stack([xc, age[rows]])
        c = np.minimum(1.0, f * comp.predict_proba(xc)[:, 1])
        q = find.predict_proba(xj)[:, 1]
        k = keep.predict_proba(xj)[:, 1]
        employed = df["employed"].to_numpy()[rows] == 1
        measures = {
            "comparable": c,
            "had_work": np.where(employed, c, 0.0),
            "finds_work": np.where(employed, 0.0, c * q),
        }
        measures["keeps_work"] = measures["finds_work"] * k

        # Sub-groups as in src/estimate/populations.rs; an empty month never matches
        # (comparisons with NaN are false).
        mww = df["months_without_work"].to_numpy()[rows]
        mbij = df["months_bijstand"].to_numpy()[rows]
        w = wia[rows]
        subgroups = {
            "ww": [("months_0_12", mww <= 12), ("months_13_24", (mww >= 13) & (mww <= 24)),
                   ("months_25_plus", mww >= 25)],
            "wia": [("wia_35min", w == "wia_35min"), ("wga_35_80", w == "wga_35_80"),
                    ("wga_80_100_iva", (w == "wga_80_100") | (w == "iva"))],
            "bijstand": [("months_0_11", mbij <= 11), ("months_12_23", (mbij >= 12) & (mbij <= 23)),
                         ("months_24_plus", mbij >= 24)],
            "nug": [("months_0_11", mww <= 11), ("months_12_23", (mww >= 12) & (mww <= 23)),
                    ("months_24_plus", mww >= 24)],
        }

        out = []
        for name, member in members.items():
            in_pop = member[rows]
            for sub, mask in [("total", in_pop)] + [(s, in_pop & m) for s, m in subgroups[name]]:
                persons = int(mask.sum())
                sums = {m: float(v[mask].sum()) for m, v in measures.items()}
                mean = sums["comparable"] / persons if persons else 0.0
                out.append({"population": name, "subgroup": sub, "persons": persons,
                            "mean_probability": mean, **sums,
                            "comparable_low": None, "comparable_high": None})
        pd.DataFrame(out, columns=RESULT_COLUMNS).to_csv(out_path, index=False)


# ---------------------------------------------------------------------------------------
# Comparison and report
# ---------------------------------------------------------------------------------------


def compare(pd, rust_csv, python_csv):
    """Prints the agreement of the two results tables; returns True when the check passes:
    persons equal in every row, and each population's `comparable` totals within
    DIFFERENCE_BAND half-widths of Rust's 95% bootstrap interval (`rust_csv` is the run
    with intervals)."""
    key = ["population", "subgroup"]
    r = pd.read_csv(rust_csv).set_index(key)
    p = pd.read_csv(python_csv).set_index(key)
    if list(r.index) != list(p.index):
        print(f"rows differ: Rust {list(r.index)} vs Python {list(p.index)}")
        return False
    bad = list(r.index[r["persons"] != p["persons"]])
    if bad:
        print(f"persons DIFFER in {bad}")
    else:
        print(f"persons: identical in all {len(r)} rows")
    ok = not bad

    def rel(a, b):
        return (b - a) / a if a else float("nan")

    print("\ntotals (relative difference = (Python - Rust) / Rust)")
    print(f"{'population':<10} {'persons':>8} {'comparable R':>13} {'95% interval':>19} "
          f"{'comparable Py':>14} {'diff':>7} {'/half':>6} {'finds diff':>10} {'keeps diff':>10}")
    for pop in r.index.get_level_values(0).unique():
        a, b = r.loc[(pop, "total")], p.loc[(pop, "total")]
        lo, hi = a["comparable_low"], a["comparable_high"]
        diff = b["comparable"] - a["comparable"]
        half = (hi - a["comparable"]) if diff > 0 else (a["comparable"] - lo)
        ratio = abs(diff) / half if half > 0 else float("inf")
        ok &= bool(ratio <= DIFFERENCE_BAND)
        print(f"{pop:<10} {int(a['persons']):>8} {a['comparable']:>13.1f} "
              f"{lo:>9.1f}-{hi:<9.1f} {b['comparable']:>14.1f} "
              f"{rel(a['comparable'], b['comparable']):>+7.1%} {ratio:>6.2f} "
              f"{rel(a['finds_work'], b['finds_work']):>+10.1%} "
              f"{rel(a['keeps_work'], b['keeps_work']):>+10.1%}")
    print(f"(check: persons exact; each comparable difference at most {DIFFERENCE_BAND:.2f} "
          "half-widths of Rust's 95% interval ('/half'), its 99% band as a difference of two "
          "estimates; finds and keeps come from trees on cohorts of a few thousand and are "
          "shown for information)")
    return ok


def version_of(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=600_000, help="persons in the synthetic CSV")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic CSV")
    ap.add_argument("--repeat", type=int, default=3, help="paired timed rounds (Rust, Rust on one thread, Python); medians count")
    ap.add_argument("--keep", action="store_true", help="keep the CSV and both results tables")
    args = ap.parse_args()
    if args.repeat < 1 or args.persons < 1:
        ap.error("--persons and --repeat must be positive")

    # Check the optional packages first: without them there is nothing to compare.
    t = time.perf_counter()
    stack = import_python_stack()
    if stack is None:
        return 0
    np, pd, sklearn = stack
    import_seconds = time.perf_counter() - t

    run(["cargo", "build", "--release"], cwd=REPO)
    work = Path(tempfile.mkdtemp(prefix="banenafspraak-compare-"))
    try:
        csv_path = work / "persons.csv"
        rust_csv, python_csv = work / "rust.csv", work / "python.csv"
        run([BINARY, "synth", "--persons", str(args.persons), "--seed", str(args.seed),
             "--output", csv_path])

        # Paired runs: each round runs Rust, Rust on one thread and Python back to back, so
        # that a change in the machine's load hits all three alike.
        print(f"\ntiming {args.repeat} paired rounds ...", flush=True)
        method = PythonMethod(np, pd)
        one_thread = {**os.environ, "RAYON_NUM_THREADS": "1"}
        rust, rust_1, runs = [], [], []
        for _ in range(args.repeat):
            rust.append(time_rust(csv_path, rust_csv))
            rust_1.append(time_rust(csv_path, work / "rust-1thread.csv", env=one_thread))
            runs.append(method.run(csv_path, python_csv))
        py = [r[0]["total"] for r in runs]
        phases, f, stages = sorted(runs, key=lambda r: r[0]["total"])[len(runs) // 2]
        med = statistics.median

        mb = csv_path.stat().st_size / 1e6
        print(f"\n== {args.persons:,} persons ({mb:.0f} MB CSV), {os.cpu_count()} cores, "
              f"wall clock, median (min-max) of {args.repeat} paired rounds ==")
        span = lambda xs: f"{med(xs):>7.2f} s  ({min(xs):.2f}-{max(xs):.2f})"
        print(f"{'Rust  banenafspraak estimate (all cores)':<44} {span(rust)}")
        print(f"{'Rust  same, RAYON_NUM_THREADS=1':<44} {span(rust_1)}")
        print(f"{'Python pandas + scikit-learn':<44} {span(py)}")
        for name in ["read", "encode", "fit", "score"]:
            label = {"read": "read CSV (pandas, no validation)",
                     "encode": "encode features (one-hot)",
                     "fit": "split, fit 3 trees, validate",
                     "score": "score, aggregate, write"}[name]
            print(f"  {label:<42} {phases[name]:>7.2f} s  (the median round)")
        print(f"{'ratio of medians Python / Rust':<44} {med(py) / med(rust):>7.1f} x")
        print(f"{'ratio of medians Python / Rust (1 thread)':<44} {med(py) / med(rust_1):>7.1f} x")
        ratios = [p / r for p, r in zip(py, rust)]
        print(f"{'paired ratios Python / Rust':<44} "
              + ", ".join(f"{x:.1f}" for x in ratios))
        print("Rust reads AND validates every row against schema v1; Python skips validation,")
        print("so the comparison favours Python. Python's interpreter start and imports "
              f"({import_seconds:.2f} s) are not counted; Rust's process start is.")

        print(f"\nPython side: correction factor f = {f:.4f}; categorical features one-hot")
        for name, s in stages.items():
            print(f"  {name:<14} eligible {s['eligible']:>7,}  train {s['n_train']:>7,}  "
                  f"leaves {s['leaves']:>2}  AUC {s['auc']:.4f}  Brier {s['brier']:.5f}")

        print(f"\nversions: Python {platform.python_version()}, pandas {pd.__version__}, "
              f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; "
              f"{version_of(['rustc', '--version'])}\n")
        # The intervals for the check of agreement: the same Rust run with the default 200
        # bootstrap replicates, not timed.
        run(rust_command(csv_path, rust_csv, "bootstrap"), stderr=subprocess.PIPE, text=True)
        ok = compare(pd, rust_csv, python_csv)
        if args.keep:
            print(f"\nkept: {work}")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
