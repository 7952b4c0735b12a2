// LesaLocalisation.cs - zero-shot localisation of Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label
// Zero-Shot Learning", CVPR 2020, Sec. 5.4 (Table 3 and Figure 5) on the synthetic multi-label benchmark: the attention
// peak of each (test image, label) is scored against the planted box of that label with LocalisationMap (docs/metrics.md),
// giving mAP over seen and unseen labels, their harmonic mean, and per-label AP differences between two models.
using System.Globalization;
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Runs;
using ZslKit.Metrics;
using ZslKit.Models;
using ZslKit.Reporting;
using ZslKit.Torch;

namespace ZslKit.Experiments.Lesa;

/// <summary>How localisation is evaluated on the synthetic benchmark.</summary>
/// <param name="IncludeAbstractLabels">Abstract labels are planted over the whole grid, so any peak would hit: left out by
/// default (they have no object box, like scene tags on Open Images).</param>
/// <param name="BatchSize">Test images per forward pass.</param>
/// <param name="RandomPeakSeed">When set, every attention peak is replaced by a uniformly random region (seeded): the chance
/// level of localisation for the model's own confidences.</param>
public sealed record LocalisationOptions(bool IncludeAbstractLabels = false, int BatchSize = 64, int? RandomPeakSeed = null);

/// <summary>Localisation of one model: the report of <see cref="LocalisationMap.Evaluate"/> over all benchmark labels.</summary>
public sealed record LesaLocalisationResult(string Model, LocalisationReport Report, bool[] IsSeen, IReadOnlyList<string> LabelNames)
{
    /// <summary>The per-seed reports a mean over seeds was taken of (<see cref="LesaLocalisation.Average"/>); empty for one run.</summary>
    public IReadOnlyList<LocalisationReport> Seeds { get; init; } = [];
}

/// <summary>AP(better) − AP(baseline) of one label (Figure 5).</summary>
public sealed record LabelImprovement(int Label, string Name, double Better, double Baseline)
{
    public double Delta => Better - Baseline;
}

/// <summary>Table 3 and Figure 5 computations.</summary>
public static class LesaLocalisation
{
    /// <summary>A grid cell as a box in grid coordinates: x = column, y = row, one unit per region.</summary>
    public static Box ToBox(GridBox box) => new(box.Left, box.Top, box.Width, box.Height);

    /// <summary>The centre of region r = row·W + col in grid coordinates: (col + 0.5, row + 0.5).</summary>
    public static Peak RegionCentre(int region, int gridWidth)
    {
        if (gridWidth < 1) throw new ArgumentOutOfRangeException(nameof(gridWidth), gridWidth, "gridWidth must be >= 1");
        if (region < 0) throw new ArgumentOutOfRangeException(nameof(region), region, "region must be >= 0");
        return new Peak(region % gridWidth + 0.5, region / gridWidth + 0.5);
    }

    /// <summary>Boxes of every planted label of the test split, keyed by (test image, label), in grid coordinates.</summary>
    public static Dictionary<(int Image, int Label), IReadOnlyList<Box>> GroundTruth(MultiLabelBenchmark bench, bool includeAbstractLabels = false)
    {
        ArgumentNullException.ThrowIfNull(bench);
        var boxes = new Dictionary<(int, int), IReadOnlyList<Box>>();
        int n = bench.ImageCount(MultiLabelSplit.Test);
        for (int i = 0; i < n; i++)
            foreach (var p in bench.PlantedLabels(MultiLabelSplit.Test, i))
                if (includeAbstractLabels || !p.IsAbstract)
                    boxes[(i, p.Label)] = [ToBox(p.Box)];
        return boxes;
    }

    /// <summary>
    /// Scores and attention peaks of <paramref name="model"/> on every test image over all labels (seen, then unseen), and
    /// the localisation mAP against the planted boxes.
    /// </summary>
    public static LesaLocalisationResult Evaluate(ILesaTrainable model, MultiLabelBenchmark bench, LocalisationOptions? options = null,
        LesaFeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(bench);
        options ??= new LocalisationOptions();
        return Evaluate(model, bench, GroundTruth(bench, options.IncludeAbstractLabels), options, cache);
    }

    /// <summary>
    /// Scores and attention peaks of <paramref name="model"/> on every test image of <paramref name="data"/> over all labels
    /// (seen, then unseen), and the localisation mAP against <paramref name="boxes"/>, the box source: boxes per (test image,
    /// label) in grid coordinates (<see cref="GroundTruth"/>'s planted boxes for the synthetic benchmark,
    /// <see cref="LesaOpenImagesLocalisation.GroundTruth(string, IReadOnlyList{string}, IReadOnlyList{string}, int, int, ZslKit.Data.Datasets.BoxGridMapping, IReadOnlyDictionary{string, ValueTuple{int, int}}?)"/>
    /// for real Open Images). <see cref="LocalisationOptions.IncludeAbstractLabels"/> is not used here: the boxes decide.
    /// </summary>
    public static LesaLocalisationResult Evaluate(ILesaTrainable model, IMultiLabelRegions data,
        IReadOnlyDictionary<(int Image, int Label), IReadOnlyList<Box>> boxes, LocalisationOptions? options = null, LesaFeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(boxes);
        options ??= new LocalisationOptions();
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be >= 1");
        int n = data.ImageCount(MultiLabelSplit.Test), l = data.Semantics.Count;
        var scores = new float[(long)n * l];
        var peaks = new int[(long)n * l];
        model.Module.eval();
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            var vectors = LesaBatches.LabelVectors(data);                                  // [L, dv]
            for (int start = 0; start < n; start += options.BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                int count = Math.Min(options.BatchSize, n - start);
                var (x, _, _) = LesaBatches.Batch(data, MultiLabelSplit.Test, Enumerable.Range(start, count).ToArray(), cache);
                var batch = LesaAttention.Peaks(model, x, vectors);
                batch.Scores.CopyTo(scores, (long)start * l);
                batch.PeakRegion.CopyTo(peaks, (long)start * l);
            }
        }
        var isSeen = Enumerable.Range(0, l).Select(c => c < data.SeenCount).ToArray();
        var all = new LabelAttentionPeaks(n, l, scores, peaks, null);
        if (options.RandomPeakSeed is int randomSeed) all = RandomPeaks(all, data.RegionCount, randomSeed);
        return EvaluatePeaks(options.RandomPeakSeed is null ? model.Name : $"{model.Name}, random peaks", all, data.GridWidth,
            boxes, isSeen, data.Semantics.Names);
    }

    /// <summary>The same scores with every peak drawn uniformly from [0, <paramref name="regions"/>) by <c>Random(seed)</c>.</summary>
    public static LabelAttentionPeaks RandomPeaks(LabelAttentionPeaks peaks, int regions, int seed)
    {
        ArgumentNullException.ThrowIfNull(peaks);
        if (regions < 1) throw new ArgumentOutOfRangeException(nameof(regions), regions, "regions must be >= 1");
        var rng = new Random(seed);
        var random = new int[peaks.PeakRegion.Length];
        for (int k = 0; k < random.Length; k++) random[k] = rng.Next(regions);
        return peaks with { PeakRegion = random, Module = null };
    }

    /// <summary>
    /// Localisation mAP of given peaks: each (image, label) is a detection with the label's score as confidence, a hit when
    /// the centre of its peak region lies in one of the label's boxes (grid coordinates, see <see cref="ToBox"/>).
    /// </summary>
    public static LesaLocalisationResult EvaluatePeaks(string model, LabelAttentionPeaks peaks, int gridWidth,
        IReadOnlyDictionary<(int Image, int Label), IReadOnlyList<Box>> boxes, bool[] isSeen, IReadOnlyList<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(peaks);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(isSeen);
        ArgumentNullException.ThrowIfNull(labelNames);
        int n = peaks.Images, l = peaks.Labels;
        if (peaks.Scores.Length != (long)n * l || peaks.PeakRegion.Length != (long)n * l)
            throw new ArgumentException($"peaks of '{model}' hold {peaks.Scores.Length} scores and {peaks.PeakRegion.Length} regions for [{n}, {l}]", nameof(peaks));
        if (labelNames.Count != l) throw new ArgumentException($"{labelNames.Count} label names for {l} labels", nameof(labelNames));
        var points = new Peak[(long)n * l];
        for (long k = 0; k < points.Length; k++) points[k] = RegionCentre(peaks.PeakRegion[k], gridWidth);
        var report = LocalisationMap.Evaluate(Matrix.Create(peaks.Scores, n, l, $"{model} scores"), Matrix.Create(points, n, l, $"{model} peaks"),
            boxes, isSeen);
        return new LesaLocalisationResult(model, report, isSeen, labelNames);
    }

    /// <summary>
    /// The mean over seeds of runs of one model: per-label AP, mAP seen, mAP unseen and H are each averaged (H is the mean
    /// of the per-seed harmonic means). Box counts must agree (same benchmark).
    /// </summary>
    public static LesaLocalisationResult Average(IReadOnlyList<LesaLocalisationResult> runs, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("at least one run is needed", nameof(runs));
        var first = runs[0];
        int l = first.IsSeen.Length;
        foreach (var r in runs)
            if (!r.IsSeen.SequenceEqual(first.IsSeen) || !r.Report.BoxedImages.SequenceEqual(first.Report.BoxedImages))
                throw new ArgumentException($"run of '{r.Model}' was evaluated on other labels or boxes than '{first.Model}'", nameof(runs));
        var ap = new double[l];
        for (int c = 0; c < l; c++) ap[c] = runs.Average(r => r.Report.PerLabel[c]);
        var report = new LocalisationReport(runs.Average(r => r.Report.MapSeen), runs.Average(r => r.Report.MapUnseen), runs.Average(r => r.Report.H),
            ap, first.Report.BoxedImages);
        return new LesaLocalisationResult(model ?? first.Model, report, first.IsSeen, first.LabelNames)
        {
            Seeds = runs.SelectMany(r => r.Seeds.Count > 0 ? r.Seeds : [r.Report]).ToList(),
        };
    }

    /// <summary>
    /// AP(better) − AP(baseline) per label with at least one box, restricted to unseen (or seen) labels, largest gain first
    /// (Figure 5).
    /// </summary>
    public static IReadOnlyList<LabelImprovement> PerLabelImprovement(LesaLocalisationResult better, LesaLocalisationResult baseline, bool unseen = true)
    {
        ArgumentNullException.ThrowIfNull(better);
        ArgumentNullException.ThrowIfNull(baseline);
        int l = better.IsSeen.Length;
        if (baseline.IsSeen.Length != l || !better.IsSeen.SequenceEqual(baseline.IsSeen))
            throw new ArgumentException($"'{better.Model}' ({l} labels) and '{baseline.Model}' ({baseline.IsSeen.Length} labels) were evaluated on different label sets", nameof(baseline));
        var list = new List<LabelImprovement>();
        for (int c = 0; c < l; c++)
            if (better.IsSeen[c] != unseen && better.Report.BoxedImages[c] > 0)
                list.Add(new LabelImprovement(c, better.LabelNames[c], better.Report.PerLabel[c], baseline.Report.PerLabel[c]));
        return list.OrderByDescending(x => x.Delta).ThenBy(x => x.Label).ToList();
    }

    /// <summary>Table 3: localisation mAP (%) on seen and unseen labels and their harmonic mean, one row per model.</summary>
    public static ResultTable Table(IEnumerable<LesaLocalisationResult> results, string caption)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new ResultTable(caption);
        foreach (var r in results)
        {
            table.Add(r.Model, "localisation", "mAP seen", 100 * r.Report.MapSeen);
            table.Add(r.Model, "localisation", "mAP unseen", 100 * r.Report.MapUnseen);
            table.Add(r.Model, "localisation", "H", 100 * r.Report.H);
        }
        return table;
    }

    /// <summary>
    /// The Table 3 claims: LESA's unseen-label localisation mAP is above each baseline's, and LESA has the best harmonic mean.
    /// </summary>
    public static IReadOnlyList<ClaimResult> Claims(LesaLocalisationResult lesa, IReadOnlyList<LesaLocalisationResult> baselines)
    {
        ArgumentNullException.ThrowIfNull(lesa);
        ArgumentNullException.ThrowIfNull(baselines);
        var claims = new List<ClaimResult>();
        foreach (var b in baselines)
            claims.Add(Compare($"table3-unseen-vs-{Slug(b.Model)}", $"{lesa.Model} localises unseen labels better than {b.Model} (mAP unseen)",
                lesa, b, r => r.MapUnseen));
        if (baselines.Count > 0)
        {
            var best = baselines.MaxBy(b => b.Report.H)!;
            claims.Add(Compare("table3-h-best", $"{lesa.Model} has the highest harmonic mean of seen and unseen localisation mAP",
                lesa, best, r => r.H));
        }
        return claims;
    }

    /// <summary>
    /// Figure 5: per-label AP gains as bars (percentage points), one series per baseline, labels in the order of the first.
    /// When the first series has more than <paramref name="maxLabels"/> labels (Open Images: hundreds of unseen labels),
    /// only its first ⌊maxLabels/2⌋ and last ⌈maxLabels/2⌉ labels are drawn (for <see cref="PerLabelImprovement"/>'s order:
    /// the largest gains and the largest losses); see <see cref="ShownLabels"/>.
    /// </summary>
    public static PlotlyFigure ImprovementFigure(string title, IReadOnlyList<(string Baseline, IReadOnlyList<LabelImprovement> Gains)> series,
        int maxLabels = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("at least one series is needed", nameof(series));
        var all = series[0].Gains.Select(g => g.Label).ToList();
        var shown = ShownLabels(series[0].Gains, maxLabels);
        var order = shown.Select(g => g.Label).ToList();
        var names = shown.Select(g => g.Name).ToList();
        var fig = new PlotlyFigure(title, width: Math.Max(720, 14 * order.Count), height: 460);
        foreach (var (baseline, gains) in series)
        {
            var byLabel = gains.ToDictionary(g => g.Label, g => g.Delta);
            if (byLabel.Count != all.Count || all.Any(c => !byLabel.ContainsKey(c)))
                throw new ArgumentException($"series '{baseline}' covers other labels than '{series[0].Baseline}'", nameof(series));
            fig.Bar($"vs {baseline}", names, order.Select(c => 100 * byLabel[c]).ToList());
        }
        return fig.BarMode("group").Axes(null, "AP gain of LESA (points)");
    }

    /// <summary>The labels <see cref="ImprovementFigure"/> draws: all when at most <paramref name="maxLabels"/>, else the first
    /// ⌊maxLabels/2⌋ and the last ⌈maxLabels/2⌉ in the given order.</summary>
    public static IReadOnlyList<LabelImprovement> ShownLabels(IReadOnlyList<LabelImprovement> gains, int maxLabels)
    {
        ArgumentNullException.ThrowIfNull(gains);
        if (maxLabels < 2) throw new ArgumentOutOfRangeException(nameof(maxLabels), maxLabels, "maxLabels must be >= 2");
        if (gains.Count <= maxLabels) return gains;
        int head = maxLabels / 2;
        return gains.Take(head).Concat(gains.Skip(gains.Count - (maxLabels - head))).ToList();
    }

    /// <summary>Held when <paramref name="a"/>'s value (a mean over seeds for averaged results) is above <paramref name="b"/>'s;
    /// the evidence sets the margin against the seeds' spread (<see cref="SeedNoise"/>).</summary>
    private static ClaimResult Compare(string id, string statement, LesaLocalisationResult a, LesaLocalisationResult b,
        Func<LocalisationReport, double> value)
    {
        double va = value(a.Report), vb = value(b.Report);
        static MetricSummary Summary(LesaLocalisationResult r, Func<LocalisationReport, double> value) =>
            MetricSummary.Of("localisation mAP", r.Seeds.Count > 0 ? r.Seeds.Select(value).ToList() : [value(r.Report)]);
        var noise = SeedNoise.Of(Summary(a, value), Summary(b, value), va - vb);
        string detail = string.Create(CultureInfo.InvariantCulture, $"{a.Model} {100 * va:F1} vs {b.Model} {100 * vb:F1} (localisation mAP, %)") + noise.Text;
        return new ClaimResult(id, statement, va > vb ? ClaimStatus.Held : ClaimStatus.NotHeld, detail) { WithinSeedNoise = noise.Within };
    }

    private static string Slug(string name) =>
        new string(name.ToLowerInvariant().Select(ch => char.IsLetterOrDigit(ch) ? ch : '-').ToArray()).Trim('-');
}
