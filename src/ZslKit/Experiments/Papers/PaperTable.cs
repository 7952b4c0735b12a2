// PaperTable.cs - a paper's reported table transcribed once as data (results/papers/<paper>/<table>.csv) and its join
// with our runs into "Reported | Ours | Δ" (ZslKit.Reporting.PaperComparison; Δ only on the paper's real dataset).
//
// File format: lines starting with '#' are comments (the source: paper, table/figure number, page or URL); then a header
//   table,dataset,setting,method,metric,value,source
// one row per printed number; value is copied exactly as printed (its decimals set the display precision).
using System.Globalization;
using ZslKit.Experiments.Runs;
using ZslKit.Reporting;

namespace ZslKit.Experiments.Papers;

/// <summary>One reported number.</summary>
/// <param name="Table">Table or figure number as the paper names it ("Table 1").</param>
/// <param name="Setting">Task/setting column (e.g. "ZS", "GZS").</param>
/// <param name="Value">The number exactly as printed.</param>
/// <param name="Source">Where it was read (paper, page/URL).</param>
public sealed record ReportedValue(string Table, string Dataset, string Setting, string Method, string Metric, string Value, string Source)
{
    public double Number => double.Parse(Value, NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>A transcribed paper table.</summary>
public sealed class PaperTable
{
    public static readonly string[] Header = ["table", "dataset", "setting", "method", "metric", "value", "source"];

    public PaperTable(string paper, string path, IReadOnlyList<string> comments, IReadOnlyList<ReportedValue> rows)
    {
        Paper = paper;
        Path = path;
        Comments = comments;
        Rows = rows;
    }

    public string Paper { get; }
    public string Path { get; }
    public IReadOnlyList<string> Comments { get; }
    public IReadOnlyList<ReportedValue> Rows { get; }

    /// <summary>Reads results/papers/&lt;paper&gt;/&lt;table&gt;.csv, naming file and line in every error.</summary>
    public static PaperTable Load(string path)
    {
        var paper = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))) ?? "";
        var comments = new List<string>();
        var rows = new List<ReportedValue>();
        string[]? header = null;
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith('#')) { comments.Add(line[1..].Trim()); continue; }
            var cells = Split(line, path, lineNo);
            if (header is null)
            {
                if (!cells.SequenceEqual(Header))
                    throw new InvalidDataException($"{path}: line {lineNo}: header must be '{string.Join(",", Header)}'");
                header = cells;
                continue;
            }
            if (cells.Length != Header.Length)
                throw new InvalidDataException($"{path}: line {lineNo}: {cells.Length} cells, expected {Header.Length}");
            if (!double.TryParse(cells[5], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw new InvalidDataException($"{path}: line {lineNo}: value '{cells[5]}' is not a number");
            if (cells[6].Length == 0) throw new InvalidDataException($"{path}: line {lineNo}: the source column is empty");
            rows.Add(new ReportedValue(cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]));
        }
        if (header is null) throw new InvalidDataException($"{path}: no header line");
        var dup = rows.GroupBy(r => (r.Table, r.Dataset, r.Setting, r.Method, r.Metric)).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InvalidDataException($"{path}: duplicate row for {dup.Key}");
        return new PaperTable(paper, path, comments, rows);
    }

    /// <summary>All tables of a paper (every .csv in results/papers/&lt;paper&gt;/).</summary>
    public static IReadOnlyList<PaperTable> LoadPaper(string papersRoot, string paper)
    {
        var dir = System.IO.Path.Combine(papersRoot, paper);
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*.csv").Order(StringComparer.Ordinal).Select(Load).ToList() : [];
    }

    /// <summary>
    /// "Reported | Ours | Δ" for one method of this table: each reported row of <paramref name="method"/> (optionally one
    /// dataset) next to our value for (setting, metric) from <paramref name="ours"/> (keys "setting/metric" or "metric",
    /// compared case-insensitively: our "zs/map" matches the paper's ZS / mAP).
    /// Δ is shown only when <paramref name="provenance"/> is real data (PaperComparison's rule).
    /// </summary>
    public PaperComparison Compare(string method, IReadOnlyDictionary<string, double> ours, Provenance provenance, string? dataset = null,
        string? oursLabel = null)
    {
        var cmp = new PaperComparison(Paper, provenance);
        var byName = new Dictionary<string, double>(ours, StringComparer.OrdinalIgnoreCase);
        foreach (var r in Rows.Where(r => r.Method == method && (dataset is null || r.Dataset == dataset)))
        {
            double? mine = byName.TryGetValue($"{r.Setting}/{r.Metric}", out var a) ? a : byName.TryGetValue(r.Metric, out var b) ? b : null;
            cmp.Add(oursLabel ?? r.Method, $"{r.Dataset} {r.Setting}".Trim(), r.Metric, r.Value, mine);
        }
        return cmp;
    }

    /// <summary>
    /// "Reported | Ours | Δ" from finished runs of one configuration (seeds aggregated to their mean test metrics). The
    /// provenance names the runs' dataset, whether it is synthetic (then no Δ), the seed-group key, the seeds and the commit.
    /// Throws when the runs are not one configuration apart from the seed.
    /// </summary>
    public PaperComparison Compare(string method, IReadOnlyList<RunRecord> runs, string? dataset = null, string? oursLabel = null)
    {
        var group = SeedAggregate.Aggregate(runs) switch
        {
            [var g] => g,
            var gs => throw new ArgumentException($"Compare: the runs form {gs.Count} configurations (seeds aside); pass the runs of one", nameof(runs)),
        };
        var ours = group.Test.ToDictionary(kv => kv.Key, kv => kv.Value.Mean);
        var commit = Provenance.RunsCommit(runs.Select(r => (r.Provenance?.GitCommit, r.Provenance?.GitDirty)), length: 12);
        var d = group.Config.DatasetOrDefault;
        var provenance = new Provenance(d.Name, group.Synthetic ? DatasetKind.Synthetic : DatasetKind.Real,
            $"{group.GroupKey} (seeds {string.Join(",", group.Seeds)}, mean)", group.Seeds[0], commit,
            Provenance.Agreed(runs.Select(r => r.Provenance?.Device)),
            Provenance.Agreed(runs.Select(r => r.Provenance is { } p ? $"libtorch {p.LibTorch}" : null)));
        return Compare(method, ours, provenance, dataset, oursLabel);
    }

    private static string[] Split(string line, string path, int lineNo)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"' && cell.Length == 0) quoted = true;
            else if (c == ',') { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(c);
        }
        if (quoted) throw new InvalidDataException($"{path}: line {lineNo}: unterminated quoted cell");
        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }
}
