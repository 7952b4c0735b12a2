// The "Reported | Ours | Δ" table comparing our numbers with a paper's. Each number is shown to the precision the paper printed;
// Δ appears only for runs on the real dataset — a synthetic run is labelled synthetic and shows no Δ.
using System.Globalization;
using System.Text;

namespace ZslKit.Reporting;

/// <summary>Whether a run used the real benchmark data or generated stand-in data.</summary>
public enum DatasetKind { Real, Synthetic }

/// <summary>Where a number came from: dataset (real or synthetic), configuration, seed, source commit and, when known, the
/// device and the engine (libtorch version and shim ABI) it was computed with.</summary>
public sealed record Provenance(string Dataset, DatasetKind Kind, string Config, int Seed, string Commit, string? Device = null,
    string? Engine = null)
{
    /// <summary>"CUB (real) · config quick · seed 0 · commit 1a2b3c4 · device cpu · libtorch 1.13.0, ABI 8" (the last two
    /// parts only when set).</summary>
    public string Describe() =>
        $"{Dataset} ({(Kind == DatasetKind.Real ? "real" : "synthetic")}) · config {Config} · seed {Seed.ToString(CultureInfo.InvariantCulture)} · commit {Commit}" +
        (Device is null ? "" : $" · device {Device}") + (Engine is null ? "" : $" · {Engine}");

    /// <summary>The engine of this process: "libtorch 1.13.0, ABI 8".</summary>
    public static string EngineHere() =>
        $"libtorch {ZslKit.Torch.torch.LibTorchVersion}, ABI {ZslKit.Torch.torch.NativeAbiVersion.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>One value for a set of runs: the value when they agree, "several" when they differ, null when none recorded one.</summary>
    public static string? Agreed(IEnumerable<string?> values)
    {
        var distinct = values.Where(v => !string.IsNullOrEmpty(v)).Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count switch { 0 => null, 1 => distinct[0], _ => "several" };
    }

    /// <summary>Environment variable naming the commit an app was packed from, for runs outside a checkout (environment/gpu/
    /// pack.sh records it, run.sh sets it: the GPU machine has no .git). "+dirty" marks a pack of uncommitted changes.</summary>
    public const string CommitVariable = "ZSLKIT_COMMIT";

    /// <summary>Environment variable naming the device for reports (e.g. the nvidia-smi name; run.sh sets it).</summary>
    public const string DeviceNameVariable = "ZSLKIT_DEVICE_NAME";

    /// <summary>The short commit of the git checkout holding <paramref name="folder"/> (default: working directory) with
    /// "+dirty" when tracked files have uncommitted changes; outside a checkout the packed commit ($ZSLKIT_COMMIT); else "unknown".</summary>
    public static string GitCommit(string? folder = null) => RunsCommit([SourceCommit(folder ?? Directory.GetCurrentDirectory())], length: 7);

    /// <summary><see cref="Git"/> of <paramref name="folder"/>, or outside a checkout the packed commit ($ZSLKIT_COMMIT).</summary>
    public static (string? Commit, bool? Dirty) SourceCommit(string folder) =>
        WithPackedCommit(Git(folder), Environment.GetEnvironmentVariable(CommitVariable));

    /// <summary>
    /// <paramref name="git"/> when it names a commit; otherwise <paramref name="packedCommit"/> (a commit, with "+dirty" when
    /// the app was packed from uncommitted changes); otherwise (null, null).
    /// </summary>
    public static (string? Commit, bool? Dirty) WithPackedCommit((string? Commit, bool? Dirty) git, string? packedCommit)
    {
        if (git.Commit is not null || string.IsNullOrWhiteSpace(packedCommit) || packedCommit.Trim() == "unknown") return git;
        var c = packedCommit.Trim();
        const string dirtySuffix = "+dirty";
        return c.EndsWith(dirtySuffix, StringComparison.Ordinal) ? (c[..^dirtySuffix.Length], true) : (c, false);
    }

    /// <summary>`git rev-parse HEAD` of the repository holding <paramref name="folder"/> and whether tracked files have
    /// uncommitted changes; (null, null) when git is missing or the folder is not a repository (dirty null: status failed).</summary>
    public static (string? Commit, bool? Dirty) Git(string folder)
    {
        var head = RunGit("rev-parse HEAD", folder);
        if (head is null || head.Length < 7) return (null, null);
        var status = RunGit("status --porcelain --untracked-files=no", folder);
        return (head, status is null ? null : status.Length > 0);
    }

    /// <summary>The commit label of a set of runs: their short commit ("+dirty" when any run recorded uncommitted changes),
    /// "several" when they differ, "unknown" when none recorded one.</summary>
    public static string RunsCommit(IEnumerable<(string? Commit, bool? Dirty)> runs, int length = 10)
    {
        var list = runs.ToList();
        var commits = list.Select(r => r.Commit).Distinct().ToList();
        if (commits.Count > 1) return "several";
        if (commits is not [{ Length: > 0 } c]) return "unknown";
        return c[..Math.Min(length, c.Length)] + (list.Any(r => r.Dirty == true) ? "+dirty" : "");
    }

    private static string? RunGit(string arguments, string folder)
    {
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var p = System.Diagnostics.Process.Start(psi);
            if (p is null) return null;
            var text = p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(10_000)) { p.Kill(); return null; }
            return p.ExitCode == 0 ? text.Result.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }   // no git on this machine
        catch (InvalidOperationException) { return null; }
    }
}

/// <summary>One compared number: the paper's value as printed (its decimals set the precision) and ours.</summary>
public sealed record ComparisonRow(string Method, string Task, string Metric, string? Reported, double? Ours)
{
    /// <summary>Decimals printed by the paper (digits after the point of <see cref="Reported"/>); 1 when there is none.</summary>
    public int Decimals
    {
        get
        {
            if (Reported is null) return 1;
            var dot = Reported.IndexOf('.');
            return dot < 0 ? 0 : Reported.Length - dot - 1;
        }
    }

    public double? ReportedValue => Reported is null ? null : double.Parse(Reported, NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>Our results next to a paper's.</summary>
[TypeFormatterSource(typeof(ReportingFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class PaperComparison(string paper, Provenance provenance)
{
    private readonly List<ComparisonRow> _rows = [];

    public string Paper { get; } = paper ?? throw new ArgumentNullException(nameof(paper));
    public Provenance Provenance { get; } = provenance ?? throw new ArgumentNullException(nameof(provenance));
    public IReadOnlyList<ComparisonRow> Rows => _rows;

    /// <summary>True only for real data: a Δ against the paper means nothing on synthetic data.</summary>
    public bool ShowsDelta => Provenance.Kind == DatasetKind.Real;

    /// <summary>Adds a row; <paramref name="reported"/> is the paper's number as printed (e.g. "71.3"), null when absent.</summary>
    public PaperComparison Add(string method, string task, string metric, string? reported, double? ours)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(metric);
        if (reported is not null && !double.TryParse(reported, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            throw new ArgumentException($"reported value '{reported}' for ({method}, {task}, {metric}) is not a number", nameof(reported));
        var row = new ComparisonRow(method, task, metric, reported, ours);
        if (row.Decimals > TableText.MaxDecimals)   // its precision is the precision shown
            throw new ArgumentException($"reported value '{reported}' for ({method}, {task}, {metric}) has {row.Decimals} decimals; at most {TableText.MaxDecimals} can be shown", nameof(reported));
        _rows.Add(row);
        return this;
    }

    /// <summary>The cells of a row as shown: reported, ours, and Δ (null when Δ is not shown).</summary>
    public (string Reported, string Ours, string? Delta) Format(ComparisonRow row)
    {
        var reported = row.Reported ?? TableText.Missing;
        var ours = row.Ours is { } o ? TableText.Fixed(o, row.Decimals) : TableText.Missing;
        if (!ShowsDelta) return (reported, ours, null);
        var delta = row.Ours is { } v && row.ReportedValue is { } r ? TableText.Signed(v - r, row.Decimals) : TableText.Missing;
        return (reported, ours, delta);
    }

    /// <summary>The caption: paper, provenance, and a warning on synthetic data.</summary>
    public string Caption => ShowsDelta
        ? $"{Paper}: reported vs. ours. {Provenance.Describe()}"
        : $"{Paper}: SYNTHETIC data, not comparable to the reported numbers (no Δ). {Provenance.Describe()}";

    public string ToHtml()
    {
        var sb = new StringBuilder(TableText.Style)
            .Append(ShowsDelta ? "<table class=\"zsl-table\">" : "<table class=\"zsl-table synthetic\">")
            .Append("<caption>").Append(TableText.Html(Caption)).Append("</caption>")
            .Append("<thead><tr><th>Method</th><th>Task</th><th>Metric</th><th>Reported</th><th>Ours</th>")
            .Append(ShowsDelta ? "<th>Δ</th>" : "").Append("</tr></thead><tbody>");
        foreach (var row in _rows)
        {
            var (rep, ours, delta) = Format(row);
            sb.Append("<tr><td>").Append(TableText.Html(row.Method)).Append("</td><td>").Append(TableText.Html(row.Task))
              .Append("</td><td>").Append(TableText.Html(row.Metric)).Append("</td><td class=\"num\">").Append(TableText.Html(rep))
              .Append("</td><td class=\"num\">").Append(TableText.Html(ours)).Append("</td>");
            if (delta is not null) sb.Append("<td class=\"num\">").Append(TableText.Html(delta)).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder(ShowsDelta ? "| Method | Task | Metric | Reported | Ours | Δ |\n|---|---|---|---:|---:|---:|\n"
                                              : "| Method | Task | Metric | Reported | Ours |\n|---|---|---|---:|---:|\n");
        foreach (var row in _rows)
        {
            var (rep, ours, delta) = Format(row);
            sb.Append("| ").Append(TableText.Markdown(row.Method)).Append(" | ").Append(TableText.Markdown(row.Task)).Append(" | ")
              .Append(TableText.Markdown(row.Metric)).Append(" | ").Append(rep).Append(" | ").Append(ours).Append(" |");
            if (delta is not null) sb.Append(' ').Append(delta).Append(" |");
            sb.Append('\n');
        }
        return sb.Append('\n').Append(TableText.Markdown(Caption)).Append('\n').ToString();
    }

    /// <summary>CSV with the provenance in every row: method,task,metric,reported,ours,delta,dataset,kind,config,seed,commit.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("method,task,metric,reported,ours,delta,dataset,kind,config,seed,commit\n");
        var p = Provenance;
        foreach (var row in _rows)
        {
            var (rep, ours, delta) = Format(row);
            string Cell(string? s) => s is null || s == TableText.Missing ? "" : TableText.Csv(s);
            sb.AppendJoin(',', TableText.Csv(row.Method), TableText.Csv(row.Task), TableText.Csv(row.Metric), Cell(rep), Cell(ours), Cell(delta),
                TableText.Csv(p.Dataset), p.Kind == DatasetKind.Real ? "real" : "synthetic", TableText.Csv(p.Config),
                p.Seed.ToString(CultureInfo.InvariantCulture), TableText.Csv(p.Commit)).Append('\n');
        }
        return sb.ToString();
    }

    public override string ToString() => ToMarkdown();
}
