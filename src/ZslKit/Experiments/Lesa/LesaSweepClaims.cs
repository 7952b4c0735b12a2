// LesaSweepClaims.cs - the claims Figure 3 of Huynh & Elhamifar (CVPR 2020, Sec. 5, Fig. 3) supports, as checks over the
// sweep's finished runs: more attention modules help up to a point (M=10 beats M=1; the gain from M=10 to the largest M is
// smaller than from M=1 to M=10), and each loss weight at the paper's value performs close to the best value of its sweep.
using System.Globalization;
using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Runs;

namespace ZslKit.Experiments.Lesa;

/// <summary>
/// "Gains saturate": with seed means a = <paramref name="Low"/>, b = <paramref name="Mid"/>, c = <paramref name="High"/> of
/// a test metric, held when b − a > 0 (more modules help) and c − b &lt; b − a (the next step helps less; it may hurt).
/// </summary>
public sealed record DiminishingReturnsClaim(string Id, string Statement, string Metric, RunSelector Low, RunSelector Mid, RunSelector High)
    : IClaim
{
    public ClaimResult Evaluate(IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var means = new List<MetricSummary>();
        var used = new List<RunRecord>();
        foreach (var side in new[] { Low, Mid, High })
        {
            var chosen = runs.Where(side.Matches).ToList();
            used.AddRange(chosen);
            if (chosen.Count == 0) return Result(ClaimStatus.NotEvaluated, $"no finished runs for {side.Label}");
            if (ClaimRuns.Mixed(side.Label, chosen) is { } mixed) return Result(ClaimStatus.NotEvaluated, mixed);
            if (!SeedAggregate.Summarise(chosen.Select(r => r.Final.Test)).TryGetValue(Metric, out var s))
                return Result(ClaimStatus.NotEvaluated, $"test metric '{Metric}' missing for {side.Label}");
            means.Add(s);
        }
        double first = means[1].Mean - means[0].Mean, second = means[2].Mean - means[1].Mean;
        var held = first > 0 && second < first;
        var synthetic = used.Any(r => r.Synthetic) ? " [synthetic data]" : "";
        var noise = SeedNoise.Of(means[1], means[0], first);
        return Result(held ? ClaimStatus.Held : ClaimStatus.NotHeld, string.Create(CultureInfo.InvariantCulture,
            $"{Metric}: {Low.Label} {means[0].Format(4)}, {Mid.Label} {means[1].Format(4)}, {High.Label} {means[2].Format(4)}; " +
            $"{Low.Label}→{Mid.Label} {first:+0.0000;-0.0000;0.0000} (needs > 0), {Mid.Label}→{High.Label} {second:+0.0000;-0.0000;0.0000} (needs < the first step); " +
            $"first step{noise.Text.TrimStart(';')}{synthetic}"), noise.Within);
    }

    private ClaimResult Result(ClaimStatus status, string detail, bool? withinSeedNoise = null) =>
        new(Id, Statement, status, detail) { WithinSeedNoise = withinSeedNoise };
}

/// <summary>
/// "The paper's λ is close to the best of its sweep": among the runs matching <paramref name="Family"/> (same everything
/// but the loss weight <paramref name="Weight"/> and the seed), the seed mean of a test metric at <paramref name="PaperValue"/>
/// is at most <paramref name="Tolerance"/> (metric units; 0.01 = 1 percentage point) below the best seed mean over the
/// visited values. Needs the paper's value and at least one other value.
/// </summary>
public sealed record LambdaNearBestClaim(string Id, string Statement, string Metric, string Weight, double PaperValue, RunSelector Family,
    double Tolerance = 0.01) : IClaim
{
    public ClaimResult Evaluate(IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var byValue = runs.Where(Family.Matches).Where(r => r.Config.LossWeights is { } w && w.ContainsKey(Weight))
            .GroupBy(r => r.Config.LossWeights![Weight]).ToList();
        foreach (var value in byValue)
            if (ClaimRuns.Mixed($"{Family.Label} at {Weight} = {Text(value.Key)}", value.ToList()) is { } mixed)
                return Result(ClaimStatus.NotEvaluated, mixed);
        var groups = byValue
            .Select(g => (Value: g.Key, Summary: SeedAggregate.Summarise(g.Select(r => r.Final.Test)).GetValueOrDefault(Metric)))
            .Where(g => g.Summary is not null)
            .OrderBy(g => g.Value)
            .ToList();
        if (!groups.Any(g => g.Value == PaperValue))
            return Result(ClaimStatus.NotEvaluated, $"no finished run with '{Metric}' for {Weight} = {Text(PaperValue)} in {Family.Label}");
        if (groups.Count < 2)
            return Result(ClaimStatus.NotEvaluated, $"only {Weight} = {Text(PaperValue)} has finished runs in {Family.Label}: nothing to compare");
        var paper = groups.Single(g => g.Value == PaperValue).Summary!;
        var best = groups.MaxBy(g => g.Summary!.Mean);
        double gap = best.Summary!.Mean - paper.Mean;
        var synthetic = runs.Where(Family.Matches).Any(r => r.Synthetic) ? " [synthetic data]" : "";
        var each = string.Join(", ", groups.Select(g => $"{Text(g.Value)}: {g.Summary!.Format(4)}"));
        var noise = best.Value == PaperValue ? null : SeedNoise.Of(best.Summary, paper, gap);
        return Result(gap <= Tolerance ? ClaimStatus.Held : ClaimStatus.NotHeld, string.Create(CultureInfo.InvariantCulture,
            $"{Metric} by {Weight} ({each}); best {Text(best.Value)}, paper value {gap:0.0000} below it (needs <= {Tolerance})" +
            $"{noise?.Text}{synthetic}"), noise?.Within);
    }

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private ClaimResult Result(ClaimStatus status, string detail, bool? withinSeedNoise = null) =>
        new(Id, Statement, status, detail) { WithinSeedNoise = withinSeedNoise };
}

public static class LesaSweepClaims
{
    /// <summary>How far below the sweep's best the paper's λ may be and still count as "close": 1 percentage point.</summary>
    public const double LambdaTolerance = 0.01;

    /// <summary>
    /// The Figure 3 claims over a figure's runs, on the figure's ZS metrics (<see cref="LesaFigure3.Metrics"/>: ZS F1@3 and
    /// ZS mAP on NUS-WIDE, ZS F1@10 and ZS mAP on Open Images): M=10 beats M=1; gains saturate from M=10 to the largest M of
    /// the sweep; each λ at the paper's value within <see cref="LambdaTolerance"/> of its sweep's best. Runs are selected by experiment, row, M, the three λ and the epoch count of the figure.
    /// </summary>
    public static IReadOnlyList<IClaim> For(LesaFigure3 figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var first = figure.Sweep(LesaSweepAxis.Modules).Cells[0].Config;
        var epochs = first.TrainingOrDefault.Epochs.ToString(CultureInfo.InvariantCulture);
        var paper = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["rel"] = figure.Sweep(LesaSweepAxis.LambdaRel).PaperValue,
            ["div"] = figure.Sweep(LesaSweepAxis.LambdaDiv).PaperValue,
            ["dist"] = figure.Sweep(LesaSweepAxis.LambdaDist).PaperValue,
        };
        RunSelector Select(string label, int? m, string? freeWeight)
        {
            var match = new List<(string, string)> { ("method", "lesa"), ("training.epochs", epochs) };
            if (m is { } mm) match.Add(("options.M", mm.ToString(CultureInfo.InvariantCulture)));
            foreach (var (k, v) in paper)
                if (k != freeWeight) match.Add(($"lossWeights.{k}", v.ToString("R", CultureInfo.InvariantCulture)));
            return RunSelector.Where(label, figure.Experiment, [.. match]);
        }

        var modules = figure.Sweep(LesaSweepAxis.Modules).Values.Select(v => (int)v).ToList();
        int mid = figure.Preset.Modules, max = modules.Max();
        var claims = new List<IClaim>();
        var zsMetrics = figure.Metrics.Where(m => m.StartsWith("zs/", StringComparison.Ordinal)).ToList();
        foreach (var metric in zsMetrics)
        {
            var label = LesaSweeps.MetricLabel(metric);
            claims.Add(new MetricComparisonClaim($"fig3-m{mid}-beats-m1-{metric}", $"More attention modules help: LESA M={mid} beats M=1 on {label}",
                metric, Select($"M={mid}", mid, null), Select("M=1", 1, null)));
            if (max > mid)
                claims.Add(new DiminishingReturnsClaim($"fig3-saturates-{metric}",
                    $"... up to a point: M={mid}→{max} adds less {label} than M=1→{mid}", metric,
                    Select("M=1", 1, null), Select($"M={mid}", mid, null), Select($"M={max}", max, null)));
        }
        foreach (var (axis, key) in new[] { (LesaSweepAxis.LambdaRel, "rel"), (LesaSweepAxis.LambdaDiv, "div"), (LesaSweepAxis.LambdaDist, "dist") })
            foreach (var metric in zsMetrics)
            {
                var name = LesaSweeps.AxisName(axis);
                var paperText = paper[key].ToString("R", CultureInfo.InvariantCulture);
                claims.Add(new LambdaNearBestClaim($"fig3-{key}-near-best-{metric}",
                    string.Create(CultureInfo.InvariantCulture,
                        $"{name} = {paperText} (paper) is within {LambdaTolerance * 100:0.#} pp of the best {name} of the sweep on {LesaSweeps.MetricLabel(metric)}"),
                    metric, key, paper[key], Select($"{name} sweep (M={mid})", mid, key), LambdaTolerance));
            }
        return claims;
    }
}
