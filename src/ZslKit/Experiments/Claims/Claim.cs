// Claim.cs - a paper's qualitative claims as checks over run results ("LESA M=10 beats M=1 on ZS mAP"). Each claim is
// reported as held, not held, or not evaluated (with the reason), never silently dropped.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Runs;

namespace ZslKit.Experiments.Claims;

public enum ClaimStatus { Held, NotHeld, NotEvaluated }

/// <summary>The verdict on one claim, with the numbers behind it.</summary>
public sealed record ClaimResult(string Id, string Statement, ClaimStatus Status, string Detail)
{
    /// <summary>Whether the deciding margin lies within the seeds' spread (<see cref="SeedNoise"/>); null when not estimated.</summary>
    public bool? WithinSeedNoise { get; init; }
}

/// <summary>
/// A margin between two seed means set against the seeds' spread: its ratio to the standard error of the difference of
/// the means (sample standard deviations over seeds), "within seed noise" below 2 SE. With two or three seeds per side
/// this is a rough guide, not a significance test; verdicts do not use it.
/// </summary>
/// <param name="Text">The note for a claim's evidence, starting with "; ".</param>
/// <param name="Within">True below 2 SE (or a zero margin between seeds that agree exactly), null with one seed on a side.</param>
public sealed record SeedNoise(string Text, bool? Within)
{
    public static SeedNoise Of(MetricSummary a, MetricSummary b, double margin)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count < 2 || b.Count < 2) return new("; one seed on a side: no seed-noise estimate", null);
        double se = Math.Sqrt(a.Std * a.Std / a.Count + b.Std * b.Std / b.Count);
        if (se == 0) return new("; the seeds agree exactly", margin == 0);
        double z = margin / se;
        bool within = Math.Abs(z) < 2;
        return new(string.Create(CultureInfo.InvariantCulture, $"; margin {z:+0.0;-0.0;0.0} SE{(within ? " (within seed noise: |margin| < 2 SE)" : "")}"), within);
    }
}

/// <summary>Selects runs: an experiment name plus config values at dotted paths ("options.M" = "10").</summary>
public sealed record RunSelector(string Label, string? Experiment, IReadOnlyDictionary<string, string> Match)
{
    public static RunSelector Where(string label, string? experiment = null, params (string Path, string Value)[] match) =>
        new(label, experiment, match.ToDictionary(m => m.Path, m => m.Value, StringComparer.OrdinalIgnoreCase));

    public bool Matches(RunRecord run)
    {
        var c = run.Config.Normalized();
        if (Experiment is not null && !string.Equals(c.Experiment, Experiment, StringComparison.Ordinal)) return false;
        if (Match.Count == 0) return true;
        var root = JsonNode.Parse(ConfigJson.Serialize(c));
        foreach (var (path, expected) in Match)
        {
            JsonNode? node = root;
            foreach (var part in path.Split('.'))
            {
                if (node is not JsonObject o) { node = null; break; }
                node = o.FirstOrDefault(p => string.Equals(p.Key, part, StringComparison.OrdinalIgnoreCase)).Value;
            }
            if (node is null || !SameValue(node, expected)) return false;
        }
        return true;
    }

    private static bool SameValue(JsonNode node, string expected)
    {
        if (node is JsonValue v && v.TryGetValue<double>(out var d) &&
            double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e)) return d == e;
        var text = node is JsonValue sv && sv.TryGetValue<string>(out var s) ? s : node.ToJsonString();
        return string.Equals(text, expected, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>A claim checked over finished runs.</summary>
public interface IClaim
{
    string Id { get; }
    string Statement { get; }
    ClaimResult Evaluate(IReadOnlyList<RunRecord> runs);
}

/// <summary>"<paramref name="Better"/> beats <paramref name="Worse"/> on a test metric": the mean over seeds of the better
/// side must exceed the other's by more than <paramref name="Margin"/> (in the metric's direction).</summary>
public sealed record MetricComparisonClaim(string Id, string Statement, string Metric, RunSelector Better, RunSelector Worse,
    bool HigherIsBetter = true, double Margin = 0) : IClaim
{
    public ClaimResult Evaluate(IReadOnlyList<RunRecord> runs)
    {
        var a = runs.Where(Better.Matches).ToList();
        var b = runs.Where(Worse.Matches).ToList();
        if (a.Count == 0 || b.Count == 0)
            return Result(ClaimStatus.NotEvaluated, $"no finished runs for {(a.Count == 0 ? Better.Label : Worse.Label)}");
        if ((ClaimRuns.Mixed(Better.Label, a) ?? ClaimRuns.Mixed(Worse.Label, b)) is { } mixed) return Result(ClaimStatus.NotEvaluated, mixed);
        var sa = SeedAggregate.Summarise(a.Select(r => r.Final.Test));
        var sb = SeedAggregate.Summarise(b.Select(r => r.Final.Test));
        if (!sa.TryGetValue(Metric, out var ma) || !sb.TryGetValue(Metric, out var mb))
            return Result(ClaimStatus.NotEvaluated, $"test metric '{Metric}' missing for {(sa.ContainsKey(Metric) ? Worse.Label : Better.Label)}");
        double diff = HigherIsBetter ? ma.Mean - mb.Mean : mb.Mean - ma.Mean;
        var noise = SeedNoise.Of(ma, mb, diff);
        var synthetic = a.Concat(b).Any(r => r.Synthetic) ? " [synthetic data]" : "";
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{Better.Label}: {ma.Format(4)} ({ma.Count} seed{(ma.Count == 1 ? "" : "s")}) vs {Worse.Label}: {mb.Format(4)} ({mb.Count} seed{(mb.Count == 1 ? "" : "s")}); {Metric} margin {diff:+0.0000;-0.0000;0.0000} (needs > {Margin}){noise.Text}{synthetic}");
        return Result(diff > Margin ? ClaimStatus.Held : ClaimStatus.NotHeld, detail) with { WithinSeedNoise = noise.Within };
    }

    private ClaimResult Result(ClaimStatus status, string detail) => new(Id, Statement, status, detail);
}

/// <summary>Checks on the runs a claim side selected.</summary>
public static class ClaimRuns
{
    /// <summary>Null when the runs are seeds of one configuration; else why a mean over them would mix configurations
    /// (e.g. a runs folder shared by a table and a sweep, where a selector that does not pin M matches every M).</summary>
    public static string? Mixed(string label, IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var groups = SeedAggregate.Aggregate(runs);
        return groups.Count <= 1 ? null
            : $"the runs matching {label} form {groups.Count} configurations (seeds aside: {string.Join(", ", groups.Select(g => g.GroupKey))}); " +
              "evaluate over the runs of one configuration per side";
    }
}

/// <summary>Evaluates a paper's claims and renders the list.</summary>
public static class ClaimReport
{
    public static IReadOnlyList<ClaimResult> Evaluate(IEnumerable<IClaim> claims, IReadOnlyList<RunRecord> runs) =>
        claims.Select(c => c.Evaluate(runs)).ToList();

    /// <summary>One line: "held H, not held N, not evaluated E of T", and how many verdicts rest on a margin within seed noise.</summary>
    public static string Summary(IReadOnlyList<ClaimResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        int held = results.Count(r => r.Status == ClaimStatus.Held), notHeld = results.Count(r => r.Status == ClaimStatus.NotHeld);
        int noisy = results.Count(r => r.Status != ClaimStatus.NotEvaluated && r.WithinSeedNoise == true);
        int unestimated = results.Count(r => r.Status != ClaimStatus.NotEvaluated && r.WithinSeedNoise is null);
        var line = $"held {held}, not held {notHeld}, not evaluated {results.Count - held - notHeld} of {results.Count}";
        if (noisy > 0) line += $"; {noisy} of the {held + notHeld} verdicts rest on a margin within seed noise (< 2 SE)";
        if (unestimated > 0) line += $"; {unestimated} without a seed-noise estimate";
        return line;
    }

    public static string ToMarkdown(IReadOnlyList<ClaimResult> results)
    {
        var sb = new StringBuilder("| Claim | Status | Evidence |\n|---|---|---|\n");
        foreach (var r in results)
        {
            var status = r.Status switch { ClaimStatus.Held => "held", ClaimStatus.NotHeld => "not held", _ => "not evaluated" };
            sb.Append($"| {Esc(r.Statement)} | {status} | {Esc(r.Detail)} |\n");
        }
        return sb.ToString();
    }

    private static string Esc(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
