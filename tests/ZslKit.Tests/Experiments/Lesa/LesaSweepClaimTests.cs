using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;

namespace ZslKit.Tests.Experiments.Lesa;

/// <summary>Figure 3 claims evaluated over hand-made runs of the sweep configs (full plan; nothing is trained).</summary>
public sealed class LesaSweepClaimTests
{
    private static readonly LesaFigure3 Fig = LesaSweepTests.FullFigure(0, 1);

    /// <summary>Runs of one sweep value for both seeds with the given ZS F1@3 and ZS mAP (seed 1 gets +0.02 on both).</summary>
    private static IEnumerable<RunRecord> At(LesaSweepAxis axis, double value, double f1, double map) =>
        Fig.Sweep(axis).Cells.Where(c => c.Value == value).Select(c => LesaSweepTests.Record(c.Config,
            new Dictionary<string, double> { ["zs/f1@3"] = f1 + 0.02 * c.Seed, ["zs/map"] = map + 0.02 * c.Seed }));

    private static ClaimResult Evaluate(string id, IEnumerable<RunRecord> runs) =>
        Assert.Single(LesaSweepClaims.For(Fig), c => c.Id == id).Evaluate(runs.ToList());

    [Fact]
    public void The_claim_list_covers_modules_saturation_and_every_lambda_on_zs_f1_and_map()
    {
        var ids = LesaSweepClaims.For(Fig).Select(c => c.Id).ToList();
        Assert.Equal(10, ids.Count);
        Assert.Contains("fig3-m10-beats-m1-zs/f1@3", ids);
        Assert.Contains("fig3-saturates-zs/map", ids);
        Assert.Contains("fig3-dist-near-best-zs/f1@3", ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void M10_beats_M1_uses_only_paper_lambda_runs()
    {
        // The λ sweeps also have M=10 runs; a very good λ_rel = 0 run must not count as "M=10".
        var runs = At(LesaSweepAxis.Modules, 1, 0.20, 0.30).Concat(At(LesaSweepAxis.Modules, 10, 0.18, 0.28))
            .Concat(At(LesaSweepAxis.LambdaRel, 0, 0.90, 0.90)).ToList();
        var r = Evaluate("fig3-m10-beats-m1-zs/f1@3", runs);
        Assert.Equal(ClaimStatus.NotHeld, r.Status);
        Assert.Contains("M=10: 0.1900 ± 0.0141 (2 seeds)", r.Detail);
        Assert.Equal(ClaimStatus.Held, Evaluate("fig3-m10-beats-m1-zs/f1@3",
            At(LesaSweepAxis.Modules, 1, 0.15, 0.30).Concat(At(LesaSweepAxis.Modules, 10, 0.18, 0.28))).Status);
    }

    [Fact]
    public void Saturation_holds_only_when_the_second_step_gains_less_than_the_first()
    {
        var m1 = At(LesaSweepAxis.Modules, 1, 0.10, 0.10);
        var m10 = At(LesaSweepAxis.Modules, 10, 0.20, 0.20);
        Assert.Equal(ClaimStatus.Held, Evaluate("fig3-saturates-zs/f1@3", m1.Concat(m10).Concat(At(LesaSweepAxis.Modules, 20, 0.22, 0.22))).Status);
        Assert.Equal(ClaimStatus.Held, Evaluate("fig3-saturates-zs/f1@3", m1.Concat(m10).Concat(At(LesaSweepAxis.Modules, 20, 0.15, 0.15))).Status);
        var still = Evaluate("fig3-saturates-zs/f1@3", m1.Concat(m10).Concat(At(LesaSweepAxis.Modules, 20, 0.35, 0.35)));
        Assert.Equal(ClaimStatus.NotHeld, still.Status);
        Assert.Contains("M=1→M=10 +0.1000", still.Detail);
        Assert.Contains("M=10→M=20 +0.1500", still.Detail);
        Assert.Contains("first step margin +7.1 SE", still.Detail);              // 0.1 / sqrt(0.0002/2 + 0.0002/2): two seeds 0.02 apart per side
        var noGain = Evaluate("fig3-saturates-zs/f1@3", At(LesaSweepAxis.Modules, 1, 0.30, 0.3).Concat(m10).Concat(At(LesaSweepAxis.Modules, 20, 0.1, 0.1)));
        Assert.Equal(ClaimStatus.NotHeld, noGain.Status);
        var none = Evaluate("fig3-saturates-zs/f1@3", m1.Concat(m10));
        Assert.Equal(ClaimStatus.NotEvaluated, none.Status);
        Assert.Contains("no finished runs for M=20", none.Detail);
    }

    [Fact]
    public void Paper_lambda_is_near_best_within_one_percentage_point_of_the_best_sweep_value()
    {
        var paper = At(LesaSweepAxis.LambdaDiv, 0.01, 0.200, 0.2);
        var near = Evaluate("fig3-div-near-best-zs/f1@3", paper.Concat(At(LesaSweepAxis.LambdaDiv, 0, 0.209, 0.2)).Concat(At(LesaSweepAxis.LambdaDiv, 0.1, 0.15, 0.2)));
        Assert.Equal(ClaimStatus.Held, near.Status);
        Assert.Contains("best 0, paper value 0.0090 below it (needs <= 0.01)", near.Detail);
        Assert.Contains("margin +0.6 SE (within seed noise", near.Detail);        // 0.009 / 0.0141
        var far = Evaluate("fig3-div-near-best-zs/f1@3", paper.Concat(At(LesaSweepAxis.LambdaDiv, 0.1, 0.215, 0.2)));
        Assert.Equal(ClaimStatus.NotHeld, far.Status);
        Assert.Contains("0.1: 0.2250 ± 0.0141", far.Detail);
        Assert.Equal(ClaimStatus.Held, Evaluate("fig3-div-near-best-zs/map", paper.Concat(At(LesaSweepAxis.LambdaDiv, 0.1, 0.9, 0.1))).Status);
    }

    [Fact]
    public void Lambda_claims_ignore_other_sweeps_and_need_the_paper_value_and_another()
    {
        // λ_rel = 0 runs and the M=20 runs are not part of the λ_div family.
        var others = At(LesaSweepAxis.LambdaRel, 0, 0.9, 0.9).Concat(At(LesaSweepAxis.Modules, 20, 0.9, 0.9)).ToList();
        var only = Evaluate("fig3-div-near-best-zs/f1@3", others.Concat(At(LesaSweepAxis.LambdaDiv, 0.01, 0.2, 0.2)));
        Assert.Equal(ClaimStatus.NotEvaluated, only.Status);
        Assert.Contains("nothing to compare", only.Detail);
        var noPaper = Evaluate("fig3-rel-near-best-zs/map", At(LesaSweepAxis.LambdaRel, 0, 0.2, 0.2));
        Assert.Equal(ClaimStatus.NotEvaluated, noPaper.Status);
        Assert.Contains("rel = 0.001", noPaper.Detail);
    }
}
