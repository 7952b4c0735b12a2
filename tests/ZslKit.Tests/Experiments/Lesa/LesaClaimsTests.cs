using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using static ZslKit.Tests.Experiments.Lesa.LesaRunFactory;

namespace ZslKit.Tests.Experiments.Lesa;

public sealed class LesaClaimsTests
{
    /// <summary>Every Table 1 row with one value for all metrics (LESA M=10 highest unless overridden).</summary>
    private static List<RunRecord> Table1Runs(Func<string, string, double?>? value = null)
    {
        var baseValue = new Dictionary<string, double>
        {
            ["conse"] = 0.05, ["labelem"] = 0.06, ["fast0tag"] = 0.07, ["attention-per-label"] = 0.2,
            ["attention-per-cluster"] = 0.21, ["lesa-m1"] = 0.22, ["lesa"] = 0.3,
        };
        return baseValue.Select(kv => Run(Config(kv.Key), k => value?.Invoke(kv.Key, k) ?? kv.Value)).ToList();
    }

    private static ClaimResult Result(IReadOnlyList<ClaimResult> results, string id) => results.Single(r => r.Id == id);

    [Fact]
    public void Table1_claims_all_hold_when_LESA_M10_is_best_everywhere()
    {
        var results = ClaimReport.Evaluate(LesaClaims.Table1(), Table1Runs());
        Assert.Equal(12, results.Count);   // 6 other rows x (ZS, GZS), each on F1@3 and mAP
        Assert.All(results, r => Assert.Equal(ClaimStatus.Held, r.Status));
        Assert.Contains("[synthetic data]", Result(results, "lesa.t1.lesa-m1.zs").Detail);
        Assert.Contains("LESA (M=1)", Result(results, "lesa.t1.lesa-m1.gzs").Statement);
    }

    [Fact]
    public void A_baseline_ahead_on_one_metric_breaks_only_the_claim_of_that_setting()
    {
        // One Attention per Label beats LESA (M=10) on ZS mAP only.
        var runs = Table1Runs((row, key) => row == "attention-per-label" && key == "zs/map" ? 0.5 : null);
        var results = ClaimReport.Evaluate(LesaClaims.Table1(), runs);
        var zs = Result(results, "lesa.t1.attention-per-label.zs");
        Assert.Equal(ClaimStatus.NotHeld, zs.Status);
        Assert.Contains("ZS mAP: NOT held", zs.Detail);
        Assert.Contains("ZS F1@3: held", zs.Detail);
        Assert.Equal(ClaimStatus.Held, Result(results, "lesa.t1.attention-per-label.gzs").Status);
        Assert.Equal(11, results.Count(r => r.Status == ClaimStatus.Held));
    }

    [Fact]
    public void Equal_means_do_not_count_as_beating()
    {
        var runs = Table1Runs((row, _) => row is "lesa" or "lesa-m1" ? 0.25 : 0.1);
        var results = ClaimReport.Evaluate(LesaClaims.Table1(), runs);
        Assert.Equal(ClaimStatus.NotHeld, Result(results, "lesa.t1.lesa-m1.zs").Status);
        Assert.Equal(ClaimStatus.Held, Result(results, "lesa.t1.conse.zs").Status);
    }

    [Fact]
    public void Claims_over_rows_without_runs_are_not_evaluated()
    {
        var runs = Table1Runs().Where(r => r.Config.Method != "fast0tag").ToList();
        var results = ClaimReport.Evaluate(LesaClaims.Table1(), runs);
        var r = Result(results, "lesa.t1.fast0tag.zs");
        Assert.Equal(ClaimStatus.NotEvaluated, r.Status);
        Assert.Contains("no finished runs for Fast0Tag", r.Detail);
        Assert.Equal(2, results.Count(x => x.Status == ClaimStatus.NotEvaluated));
        Assert.All(ClaimReport.Evaluate(LesaClaims.Table1(), []), x => Assert.Equal(ClaimStatus.NotEvaluated, x.Status));
    }

    [Fact]
    public void Seed_means_decide_a_claim_not_single_seeds()
    {
        // M=10: 0.10 and 0.40 (mean 0.25); M=1: 0.30 and 0.30 (mean 0.30): seed 1 of M=10 wins, the mean loses.
        var runs = new[]
        {
            Run(Config("lesa", 0), 0.10), Run(Config("lesa", 1), 0.40), Run(Config("lesa-m1", 0), 0.30), Run(Config("lesa-m1", 1), 0.30),
        };
        var r = Result(ClaimReport.Evaluate(LesaClaims.Table1(), runs), "lesa.t1.lesa-m1.zs");
        Assert.Equal(ClaimStatus.NotHeld, r.Status);
        Assert.Contains("2 seeds", r.Detail);
    }

    [Fact]
    public void Table2_claims_follow_each_added_loss_and_use_the_final_model_when_asked()
    {
        // Selected model: rank 0.10 < +rel 0.12 < +rel+div 0.11 (worse) < full 0.20. Final model: strictly increasing.
        var sel = new Dictionary<string, double> { ["rank"] = 0.10, ["+rel"] = 0.12, ["+rel+div"] = 0.11, ["+rel+div+dist"] = 0.20 };
        var fin = new Dictionary<string, double> { ["rank"] = 0.10, ["+rel"] = 0.12, ["+rel+div"] = 0.14, ["+rel+div+dist"] = 0.20 };
        var runs = sel.Keys.Select(s => Run(Step(s), _ => sel[s], _ => fin[s])).ToList();

        var selected = ClaimReport.Evaluate(LesaClaims.Table2(), runs);
        Assert.Equal(6, selected.Count);
        Assert.Equal(ClaimStatus.Held, Result(selected, "lesa.t2.rel.zs").Status);
        Assert.Equal(ClaimStatus.NotHeld, Result(selected, "lesa.t2.div.zs").Status);
        Assert.Equal(ClaimStatus.NotHeld, Result(selected, "lesa.t2.div.gzs").Status);
        Assert.Equal(ClaimStatus.Held, Result(selected, "lesa.t2.dist.gzs").Status);
        Assert.Contains("+rel → +rel+div", Result(selected, "lesa.t2.div.zs").Statement);

        var final = ClaimReport.Evaluate(LesaClaims.Table2(LesaModelView.Final), runs);
        Assert.All(final, r => Assert.Equal(ClaimStatus.Held, r.Status));
        Assert.Contains("final/zs/map", Result(final, "lesa.t2.div.zs").Detail);
    }

    [Fact]
    public void Table2_claims_without_the_rank_only_row_are_not_evaluated_and_Table1_runs_serve_the_full_row()
    {
        var runs = new[] { Run(Step("+rel"), 0.1), Run(Step("+rel+div"), 0.2), Run(Config("lesa"), 0.3) };
        var results = ClaimReport.Evaluate(LesaClaims.Table2(), runs);
        Assert.Equal(ClaimStatus.NotEvaluated, Result(results, "lesa.t2.rel.zs").Status);
        Assert.Equal(ClaimStatus.Held, Result(results, "lesa.t2.div.zs").Status);
        Assert.Equal(ClaimStatus.Held, Result(results, "lesa.t2.dist.zs").Status);
        Assert.Equal(18, LesaClaims.All().Count);
    }

    [Fact]
    public void All_of_claim_is_not_evaluated_when_a_part_is_and_lists_every_part()
    {
        var a = new MetricComparisonClaim("a", "a", "zs/map", RunSelector.Where("L", null, ("method", "lesa")), RunSelector.Where("M1", null, ("method", "lesa-m1")));
        var b = new MetricComparisonClaim("b", "b", "zs/nope", RunSelector.Where("L", null, ("method", "lesa")), RunSelector.Where("M1", null, ("method", "lesa-m1")));
        var runs = new[] { Run(Config("lesa"), 0.1), Run(Config("lesa-m1"), 0.3) };
        var r = new AllOfClaim("x", "both", [a, b]).Evaluate(runs);
        Assert.Equal(ClaimStatus.NotEvaluated, r.Status);
        Assert.Contains("a: NOT held", r.Detail);
        Assert.Contains("b: not evaluated", r.Detail);
        Assert.Throws<InvalidOperationException>(() => new AllOfClaim("y", "none", []).Evaluate(runs));
    }

    [Fact]
    public void All_of_claim_is_within_seed_noise_when_a_deciding_part_is_and_the_summary_counts_it()
    {
        var a = new MetricComparisonClaim("a", "a", "zs/map", RunSelector.Where("L", null, ("method", "lesa")), RunSelector.Where("M1", null, ("method", "lesa-m1")));
        var b = new MetricComparisonClaim("b", "b", "gzs/map", RunSelector.Where("L", null, ("method", "lesa")), RunSelector.Where("M1", null, ("method", "lesa-m1")));
        // zs/map: LESA 0.30 ± 0.14 vs M=1 0.20 ± 0.014 (within noise); gzs/map: 0.50 vs 0.20, seeds 0.01 apart (beyond it).
        var runs = new[]
        {
            Run(Config("lesa", 0), k => k == "zs/map" ? 0.20 : 0.50), Run(Config("lesa", 1), k => k == "zs/map" ? 0.40 : 0.51),
            Run(Config("lesa-m1", 0), k => k == "zs/map" ? 0.19 : 0.20), Run(Config("lesa-m1", 1), k => k == "zs/map" ? 0.21 : 0.21),
        };
        var both = new AllOfClaim("x", "both", [a, b]).Evaluate(runs);
        Assert.Equal(ClaimStatus.Held, both.Status);
        Assert.True(both.WithinSeedNoise);                                                   // part a decides too
        var onlyB = new AllOfClaim("y", "b only", [b]).Evaluate(runs);
        Assert.False(onlyB.WithinSeedNoise);
        var one = new AllOfClaim("z", "one seed", [a]).Evaluate(runs.Where(r => r.Config.Seed == 0).ToList());
        Assert.Null(one.WithinSeedNoise);
        Assert.Equal("held 3, not held 0, not evaluated 0 of 3; 1 of the 3 verdicts rest on a margin within seed noise (< 2 SE); " +
            "1 without a seed-noise estimate", ClaimReport.Summary([both, onlyB, one]));
        Assert.Equal("held 1, not held 0, not evaluated 0 of 1", ClaimReport.Summary([onlyB]));
    }
}
