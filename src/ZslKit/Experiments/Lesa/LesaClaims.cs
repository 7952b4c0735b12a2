// LesaClaims.cs - the qualitative claims of Table 1 and of the loss ablation (Table 2) of Huynh & Elhamifar, "A Shared
// Multi-Attention Framework for Multi-Label Zero-Shot Learning" (CVPR 2020, Sec. 5) as checks over finished runs: LESA
// (M=10) beats each other Table 1 row, M=10 beats M=1, and each added loss term (L_rel, L_div, L_dist) improves on the
// previous ablation row; each in ZS and in GZS, on F1 at the smaller K (F1@3 NUS-WIDE, F1@10 Open Images) and mAP (mean
// over seeds, strictly greater).
using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Runs;

namespace ZslKit.Experiments.Lesa;

/// <summary>Holds when every part holds; not evaluated when any part is; not held otherwise. The detail lists each part;
/// the verdict counts as within seed noise when a deciding part's margin is (all parts when held, the failing ones when not).</summary>
public sealed record AllOfClaim(string Id, string Statement, IReadOnlyList<IClaim> Parts) : IClaim
{
    public ClaimResult Evaluate(IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (Parts.Count == 0) throw new InvalidOperationException($"claim {Id} has no parts");
        var results = Parts.Select(p => p.Evaluate(runs)).ToList();
        var status = results.Any(r => r.Status == ClaimStatus.NotEvaluated) ? ClaimStatus.NotEvaluated
            : results.All(r => r.Status == ClaimStatus.Held) ? ClaimStatus.Held : ClaimStatus.NotHeld;
        string Mark(ClaimStatus s) => s switch { ClaimStatus.Held => "held", ClaimStatus.NotHeld => "NOT held", _ => "not evaluated" };
        var detail = string.Join("; ", results.Select(r => $"{r.Id}: {Mark(r.Status)} ({r.Detail})"));
        // The deciding parts: all of them when held, the failing ones when not. Within seed noise when one of them is.
        var deciding = status == ClaimStatus.Held ? results : results.Where(r => r.Status == ClaimStatus.NotHeld).ToList();
        bool? within = deciding.Any(r => r.WithinSeedNoise == true) ? true : deciding.All(r => r.WithinSeedNoise == false) ? false : null;
        return new ClaimResult(Id, Statement, status, detail) { WithinSeedNoise = status == ClaimStatus.NotEvaluated ? null : within };
    }
}

public static class LesaClaims
{
    /// <summary>The metrics each claim compares (as Table 1 / Table 2 column names) under the NUS-WIDE protocol.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["F1@3", "mAP"];

    /// <summary>The metrics compared under a protocol: F1 at its smaller K, and mAP.</summary>
    public static IReadOnlyList<string> MetricsFor(LesaProtocol? protocol) =>
        protocol is null ? Metrics : [$"F1@{protocol.Ks[0]}", "mAP"];

    /// <summary>The settings each comparison is claimed in.</summary>
    public static IReadOnlyList<string> Settings { get; } = ["ZS", "GZS"];

    /// <summary>Table 1 claims: LESA (M=10) beats each of the six other rows (CONSE, LabelEM, Fast0Tag, One Attention per
    /// Label, One Attention per Cluster, LESA (M=1)), in ZS and in GZS, on F1@3 and mAP.</summary>
    public static IReadOnlyList<IClaim> Table1(LesaModelView view = LesaModelView.Selected, string? experiment = null,
        LesaProtocol? protocol = null)
    {
        var metrics = MetricsFor(protocol);
        var lesa = LesaTables.Table1Selector("lesa", experiment);
        var claims = new List<IClaim>();
        foreach (var (row, label) in LesaTables.Table1Rows.Where(r => r.Row != "lesa"))
        {
            var what = row switch
            {
                "lesa-m1" => "LESA (M=10) beats LESA (M=1) (several shared attentions beat one)",
                "attention-per-cluster" or "attention-per-label" => $"Shared attention, LESA (M=10), beats {label}",
                _ => $"LESA (M=10) beats {label}",
            };
            foreach (var setting in Settings)
                claims.Add(Beats($"lesa.t1.{row}.{setting.ToLowerInvariant()}", $"{what} in {setting} on {metrics[0]} and mAP",
                    lesa, LesaTables.Table1Selector(row, experiment), setting, view, metrics));
        }
        return claims;
    }

    /// <summary>Table 2 claims: each added loss term improves on the previous ablation row (rank → +rel → +rel+div →
    /// +rel+div+dist), in ZS and in GZS, on F1@3 and mAP.</summary>
    public static IReadOnlyList<IClaim> Table2(LesaModelView view = LesaModelView.Selected, string? experiment = null,
        LesaProtocol? protocol = null)
    {
        var metrics = MetricsFor(protocol);
        var steps = LesaTables.Table2Steps;
        string[] added = ["", "L_rel", "L_div", "L_dist"];
        var claims = new List<IClaim>();
        for (int i = 1; i < steps.Count; i++)
            foreach (var setting in Settings)
                claims.Add(Beats($"lesa.t2.{added[i].ToLowerInvariant().Replace("l_", "", StringComparison.Ordinal)}.{setting.ToLowerInvariant()}",
                    $"Adding {added[i]} ({steps[i - 1].Label} → {steps[i].Label}) improves {setting} {metrics[0]} and mAP",
                    LesaTables.Table2Selector(steps[i], experiment), LesaTables.Table2Selector(steps[i - 1], experiment), setting, view, metrics));
        return claims;
    }

    /// <summary>Table 1 and Table 2 claims.</summary>
    public static IReadOnlyList<IClaim> All(LesaModelView view = LesaModelView.Selected, string? experiment = null) =>
        [.. Table1(view, experiment), .. Table2(view, experiment)];

    private static AllOfClaim Beats(string id, string statement, RunSelector better, RunSelector worse, string setting, LesaModelView view,
        IReadOnlyList<string> metrics) =>
        new(id, statement, metrics.Select(m =>
        {
            var key = LesaTables.Key(LesaTables.Column(setting, m), view);
            return (IClaim)new MetricComparisonClaim($"{setting} {m}", $"{better.Label} beats {worse.Label} on {key}", key, better, worse);
        }).ToList());
}
