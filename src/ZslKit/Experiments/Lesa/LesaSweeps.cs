// LesaSweeps.cs - Figure 3 of Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label Zero-Shot Learning"
// (CVPR 2020, Sec. 5, Fig. 3): how LESA's F1/mAP improvement over Fast0Tag (F1 at the protocol's smallest K: F1@3 on
// NUS-WIDE, F1@10 on Open Images; LesaProtocol.SweepMetrics) changes with the number of attention modules M
// and with each loss weight λ_rel, λ_div, λ_dist around the paper's (1e-3, 1e-2, 1e-1). Defines the sweeps as configs
// under a notebook preset (so M=10 with the paper's λ is the same run as Table 1's LESA), runs them through the cached
// Sweep helper, turns finished runs into per-seed improvements (percentage points) summarised as mean ± sample std, and
// draws them as plotly lines with seed bands.
using System.Globalization;
using System.Text;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Sweeps;
using ZslKit.Models;
using ZslKit.Reporting;

namespace ZslKit.Experiments.Lesa;

/// <summary>The quantity a Figure 3 sweep varies.</summary>
public enum LesaSweepAxis { Modules, LambdaRel, LambdaDiv, LambdaDist }

/// <summary>Which values the Figure 3 sweeps visit.</summary>
/// <param name="Modules">M values of the attention-module sweep (λ at the paper's values).</param>
/// <param name="LambdaFactors">Multiples of the paper's λ visited by each λ sweep (0 switches the loss term off); M is the
/// preset's M and the other two λ stay at the paper's values.</param>
/// <param name="Epochs">Training epochs of every sweep run and of the Fast0Tag baseline (null = the preset's epochs, which
/// shares runs with the other notebooks).</param>
public sealed record LesaSweepPlan(IReadOnlyList<int> Modules, IReadOnlyList<double> LambdaFactors, int? Epochs = null)
{
    /// <summary>M ∈ {1, 2, 3, 5, 10, 15, 20}; λ ∈ {0, λ/10, λ, 10λ}.</summary>
    public static LesaSweepPlan Full { get; } = new([1, 2, 3, 5, 10, 15, 20], [0, 0.1, 1, 10]);

    /// <summary>M ∈ {1, 2, 5, 10, 20}; λ ∈ {0, λ} (each λ sweep then costs one run per seed beyond the shared M = 10 run;
    /// the λ = 0 runs are the loss-ablation configs of the other notebooks).</summary>
    public static LesaSweepPlan Quick { get; } = new([1, 2, 5, 10, 20], [0, 1]);

    /// <summary>The plan of a notebook's <c>quick</c> parameter.</summary>
    public static LesaSweepPlan For(bool quick) => quick ? Quick : Full;
}

/// <summary>One (value, seed) cell of a sweep and the config that trains it.</summary>
public sealed record LesaSweepCell(double Value, int Seed, ExperimentConfig Config);

/// <summary>One sweep: its axis, the paper's value on that axis, the visited values (ascending) and the cells (value-major,
/// then seed).</summary>
public sealed record LesaSweep(LesaSweepAxis Axis, double PaperValue, IReadOnlyList<double> Values, IReadOnlyList<LesaSweepCell> Cells)
{
    /// <summary>"M", "λ_rel", "λ_div" or "λ_dist".</summary>
    public string Name => LesaSweeps.AxisName(Axis);
}

/// <summary>Every Figure 3 sweep under one preset, and the Fast0Tag run of each seed the improvements are measured from.</summary>
public sealed record LesaFigure3(LesaPreset Preset, LesaSweepPlan Plan, IReadOnlyList<int> Seeds, IReadOnlyList<LesaSweep> Sweeps,
    IReadOnlyList<LesaSweepCell> Baselines)
{
    /// <summary>The sweep of one axis.</summary>
    public LesaSweep Sweep(LesaSweepAxis axis) => Sweeps.Single(s => s.Axis == axis);

    /// <summary>The experiment name every run of this figure lives under.</summary>
    public string Experiment => LesaNotebook.Experiment(Preset);

    /// <summary>The test metrics drawn as improvements: the preset's protocol's <see cref="LesaProtocol.SweepMetrics"/>
    /// (ZS / GZS F1@3 and mAP on NUS-WIDE, F1@10 and mAP on Open Images).</summary>
    public IReadOnlyList<string> Metrics => Preset.ProtocolOrDefault.SweepMetrics;
}

/// <summary>One line of the figure: a metric's improvement over Fast0Tag (percentage points) at each value of a sweep.</summary>
/// <param name="Mean">Mean over seeds (NaN where no seed has a value: a gap).</param>
/// <param name="Std">Sample standard deviation over seeds (n − 1 denominator; 0 for one seed, NaN for none).</param>
/// <param name="Seeds">How many seeds each point averages.</param>
public sealed record LesaSweepSeries(LesaSweepAxis Axis, string Metric, IReadOnlyList<double> Values, IReadOnlyList<double> Mean,
    IReadOnlyList<double> Std, IReadOnlyList<int> Seeds);

/// <summary>A cell that has no value, and why (no finished run, no Fast0Tag run of its seed, a missing metric).</summary>
public sealed record LesaSweepGap(LesaSweepAxis Axis, double Value, int Seed, string Reason);

/// <summary>The improvement series of every sweep and metric, and every cell that could not be used.</summary>
public sealed record LesaFigure3Result(IReadOnlyList<LesaSweepSeries> Series, IReadOnlyList<LesaSweepGap> Missing)
{
    /// <summary>The series of one axis and metric.</summary>
    public LesaSweepSeries Get(LesaSweepAxis axis, string metric) =>
        Series.FirstOrDefault(s => s.Axis == axis && s.Metric == metric)
        ?? throw new ArgumentException($"no series for {LesaSweeps.AxisName(axis)} / '{metric}' (metrics: {string.Join(", ", Series.Select(s => s.Metric).Distinct())})", nameof(metric));

    /// <summary>A Markdown table per axis: value, seeds (the most any metric averages), then mean ± std improvement (pp) per
    /// metric ("—" = no value); the missing cells are listed after.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        foreach (var axis in Series.Select(s => s.Axis).Distinct())
        {
            var lines = Series.Where(s => s.Axis == axis).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"| {LesaSweeps.AxisName(axis)} | seeds | ")
              .AppendJoin(" | ", lines.Select(l => LesaSweeps.MetricLabel(l.Metric) + " Δ (pp)")).Append(" |\n|---|---|")
              .Append(string.Concat(lines.Select(_ => "---|"))).Append('\n');
            for (var i = 0; i < lines[0].Values.Count; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {LesaSweeps.FormatValue(lines[0].Values[i])} | {lines.Max(l => l.Seeds[i])} | ")
                  .AppendJoin(" | ", lines.Select(l => Cell(l, i))).Append(" |\n");
            }
            sb.Append('\n');
        }
        if (Missing.Count > 0)
        {
            sb.Append("Missing cells:\n\n");
            foreach (var g in Missing)
                sb.Append(CultureInfo.InvariantCulture, $"* {LesaSweeps.AxisName(g.Axis)} = {LesaSweeps.FormatValue(g.Value)}, seed {g.Seed}: {g.Reason}\n");
        }
        return sb.ToString();
    }

    private static string Cell(LesaSweepSeries s, int i) =>
        s.Seeds[i] == 0 ? "—"
        : s.Seeds[i] == 1 ? LesaSweeps.Signed(s.Mean[i])
        : string.Create(CultureInfo.InvariantCulture, $"{LesaSweeps.Signed(s.Mean[i])} ± {s.Std[i]:0.0}");
}

public static class LesaSweeps
{
    /// <summary>The Table 1 row every improvement is measured from.</summary>
    public const string Baseline = "fast0tag";

    /// <summary>The config path each axis overrides.</summary>
    public static string Path(LesaSweepAxis axis) => axis switch
    {
        LesaSweepAxis.Modules => "options.M",
        LesaSweepAxis.LambdaRel => "lossWeights.rel",
        LesaSweepAxis.LambdaDiv => "lossWeights.div",
        LesaSweepAxis.LambdaDist => "lossWeights.dist",
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "unknown sweep axis"),
    };

    /// <summary>"M", "λ_rel", "λ_div", "λ_dist".</summary>
    public static string AxisName(LesaSweepAxis axis) => axis switch
    {
        LesaSweepAxis.Modules => "M",
        LesaSweepAxis.LambdaRel => "λ_rel",
        LesaSweepAxis.LambdaDiv => "λ_div",
        LesaSweepAxis.LambdaDist => "λ_dist",
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "unknown sweep axis"),
    };

    /// <summary>"ZS F1@3", "GZS mAP", "ZS F1@10", ... for a metric key.</summary>
    public static string MetricLabel(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var slash = metric.IndexOf('/', StringComparison.Ordinal);
        var (scope, name) = slash < 0 ? ("", metric) : (metric[..slash].ToUpperInvariant() + " ", metric[(slash + 1)..]);
        return scope + (name == "map" ? "mAP" : name.ToUpperInvariant());
    }

    /// <summary>An improvement with its sign and one decimal: "+1.2", "-0.3", and "-0.0" for a small loss (a plain
    /// "+0.0;-0.0" format prints "-+0.0" for negatives that round to zero).</summary>
    public static string Signed(double v) =>
        (v < 0 ? "-" : "+") + Math.Abs(v).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A sweep value as text: integers plainly, λ in shortest round-trip form ("0.0001").</summary>
    public static string FormatValue(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The Figure 3 sweeps under <paramref name="preset"/> for every seed: the M sweep (row <c>lesa</c>, paper λ) and one
    /// sweep per λ (row <c>lesa</c>, the preset's M, the other λ at the paper's values), plus the Fast0Tag run per seed. All
    /// live in the preset's shared experiment (<see cref="LesaNotebook.Experiment"/>) on the notebook's selected dataset
    /// (<see cref="LesaNotebook.SelectDataset"/>); a <paramref name="dataDir"/> forces the synthetic benchmark with the
    /// semantics found there, as in <see cref="LesaExperiment.Config"/>.
    /// </summary>
    public static LesaFigure3 Define(LesaPreset preset, LesaSweepPlan plan, IReadOnlyList<int> seeds, string device = "cpu",
        string? dataDir = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is needed", nameof(seeds));
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException($"seeds repeat: {string.Join(",", seeds)}", nameof(seeds));
        if (plan.Modules.Count == 0 || plan.Modules.Any(m => m < 1))
            throw new ArgumentException($"plan.Modules [{string.Join(", ", plan.Modules)}] must be non-empty and every M >= 1", nameof(plan));
        if (plan.LambdaFactors.Count == 0 || plan.LambdaFactors.Any(f => !(f >= 0) || !double.IsFinite(f)))
            throw new ArgumentException($"plan.LambdaFactors [{string.Join(", ", plan.LambdaFactors)}] must be non-empty, finite and >= 0", nameof(plan));
        if (plan.Epochs is < 1) throw new ArgumentException($"plan.Epochs {plan.Epochs} must be >= 1", nameof(plan));

        var experiment = LesaNotebook.Experiment(preset);
        ExperimentConfig Base(string row, int seed)
        {
            var c = dataDir is null ? LesaNotebook.Config(preset, row, seed, device)            // the notebook's selected dataset
                : LesaExperiment.Config(preset, experiment, row, seed, device, dataDir);
            return plan.Epochs is { } e ? c with { Training = c.TrainingOrDefault with { Epochs = e } } : c;
        }

        var paper = new LesaConfig();
        var sweeps = new List<LesaSweep>
        {
            Build(LesaSweepAxis.Modules, preset.Modules, plan.Modules.Select(m => (double)m)),
        };
        foreach (var (axis, lambda) in new[] { (LesaSweepAxis.LambdaRel, paper.LambdaRel), (LesaSweepAxis.LambdaDiv, paper.LambdaDiv),
                     (LesaSweepAxis.LambdaDist, paper.LambdaDist) })
            sweeps.Add(Build(axis, lambda, plan.LambdaFactors.Select(f => Scale(lambda, f))));
        var baselines = seeds.Select(s => new LesaSweepCell(0, s, Base(Baseline, s).Validate())).ToList();
        return new LesaFigure3(preset, plan, seeds, sweeps, baselines);

        LesaSweep Build(LesaSweepAxis axis, double paperValue, IEnumerable<double> values)
        {
            var sorted = values.Distinct().Order().ToList();
            var cells = new List<LesaSweepCell>();
            foreach (var v in sorted)
                foreach (var s in seeds)
                {
                    var point = Sweep.List(Base("lesa", s), [new Dictionary<string, string> { [Path(axis)] = FormatValue(v) }]).Single();
                    cells.Add(new LesaSweepCell(v, s, LesaExperiment.Check(point.Config)));
                }
            return new LesaSweep(axis, paperValue, sorted, cells);
        }
    }

    /// <summary>λ · factor computed in decimal so that 0.001 · 0.1 is 0.0001 exactly as written (the config hash depends on it).</summary>
    private static double Scale(double lambda, double factor) => (double)((decimal)lambda * (decimal)factor);

    /// <summary>
    /// Runs (or reuses, by config hash) the Fast0Tag baselines and then every sweep cell; a config shared by several sweeps
    /// (M = 10 with the paper's λ) is one row, under the first sweep that has it. The rows' axis columns are "sweep",
    /// "value" and "seed". <paramref name="run"/> defaults to <see cref="LesaExperiment.Run"/>.
    /// </summary>
    public static SweepResult Run(LesaFigure3 figure, RunOptions options, Func<ExperimentConfig, RunOptions, RunRecord>? run = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        ArgumentNullException.ThrowIfNull(options);
        run ??= LesaExperiment.Run;
        var points = figure.Baselines.Select(b => Point(Baseline, 0, b))
            .Concat(figure.Sweeps.SelectMany(sw => sw.Cells.Select(c => Point(sw.Name, c.Value, c))))
            .DistinctBy(p => ConfigJson.Hash(p.Config))
            .ToList();
        return Sweep.Run(points, options.RunsRoot, c => run(c, options));

        static SweepPoint Point(string sweep, double value, LesaSweepCell cell) => new(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sweep"] = sweep, ["value"] = FormatValue(value), ["seed"] = cell.Seed.ToString(CultureInfo.InvariantCulture),
        }, cell.Config);
    }

    /// <summary>
    /// Improvement over Fast0Tag of every metric at every sweep value: per seed, 100 · (metric of the cell's run − metric of
    /// the Fast0Tag run of the same seed) in percentage points (metrics are fractions), then mean and sample std over the
    /// seeds that have both runs and both values. Runs are matched to cells by config hash; anything not found is listed in
    /// <see cref="LesaFigure3Result.Missing"/> and left out of the mean.
    /// </summary>
    public static LesaFigure3Result Improvements(LesaFigure3 figure, IEnumerable<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(figure);
        ArgumentNullException.ThrowIfNull(runs);
        var byHash = new Dictionary<string, RunRecord>(StringComparer.Ordinal);
        foreach (var r in runs) byHash[ConfigJson.Hash(r.Config)] = r;
        var baseline = figure.Baselines.ToDictionary(b => b.Seed, b => byHash.GetValueOrDefault(ConfigJson.Hash(b.Config)));

        var series = new List<LesaSweepSeries>();
        var missing = new List<LesaSweepGap>();
        foreach (var sweep in figure.Sweeps)
        {
            var perMetric = figure.Metrics.ToDictionary(m => m, _ => sweep.Values.Select(_ => new List<double>()).ToList(), StringComparer.Ordinal);
            for (var i = 0; i < sweep.Values.Count; i++)
                foreach (var cell in sweep.Cells.Where(c => c.Value == sweep.Values[i]))
                {
                    var hash = ConfigJson.Hash(cell.Config);
                    if (!byHash.TryGetValue(hash, out var r))
                    {
                        missing.Add(new(sweep.Axis, cell.Value, cell.Seed, $"no finished run (config {hash})"));
                        continue;
                    }
                    if (baseline[cell.Seed] is not { } b)
                    {
                        missing.Add(new(sweep.Axis, cell.Value, cell.Seed, $"no finished Fast0Tag run for seed {cell.Seed}"));
                        continue;
                    }
                    foreach (var m in figure.Metrics)
                    {
                        bool has = r.Final.Test.TryGetValue(m, out var x) && double.IsFinite(x);
                        bool hasBase = b.Final.Test.TryGetValue(m, out var y) && double.IsFinite(y);
                        if (has && hasBase) perMetric[m][i].Add(100 * (x - y));
                        else missing.Add(new(sweep.Axis, cell.Value, cell.Seed,
                            $"test metric '{m}' missing in the {(has ? "Fast0Tag" : "sweep")} run (stopped: {(has ? b : r).Final.Stop})"));
                    }
                }
            foreach (var m in figure.Metrics)
            {
                var lists = perMetric[m];
                series.Add(new LesaSweepSeries(sweep.Axis, m, sweep.Values, lists.Select(Mean).ToList(), lists.Select(SampleStd).ToList(),
                    lists.Select(l => l.Count).ToList()));
            }
        }
        return new LesaFigure3Result(series, missing);
    }

    private static double Mean(List<double> v) => v.Count == 0 ? double.NaN : v.Average();

    private static double SampleStd(List<double> v) => v.Count == 0 ? double.NaN : MetricSummary.Of("seed values", v).Std;

    /// <summary>
    /// Where a λ value is drawn on the x axis: log10 λ, and λ = 0 one decade left of the smallest positive λ of the sweep
    /// (a symlog-like first tick, labelled by an annotation). M values are drawn as they are.
    /// </summary>
    public static IReadOnlyList<double> PlotPositions(LesaSweepAxis axis, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (axis == LesaSweepAxis.Modules) return values.ToList();
        var positive = values.Where(v => v > 0).ToList();
        double zeroAt = (positive.Count == 0 ? 0 : Math.Log10(positive.Min())) - 1;
        return values.Select(v => v > 0 ? Math.Log10(v) : zeroAt).ToList();
    }

    /// <summary>
    /// One figure per axis: a line per metric (improvement over Fast0Tag in percentage points) with a ± std band over seeds
    /// when some point has more than one seed; λ axes are log10 λ with λ = 0 on the first tick (annotated), and the paper's
    /// value is annotated; a dotted zero line marks "no better than Fast0Tag".
    /// </summary>
    public static PlotlyFigure Figure(LesaFigure3Result result, LesaFigure3 figure, LesaSweepAxis axis, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(figure);
        var sweep = figure.Sweep(axis);
        var lines = result.Series.Where(s => s.Axis == axis).ToList();
        if (lines.Count == 0) throw new ArgumentException($"the result has no series for {AxisName(axis)}", nameof(result));
        var x = PlotPositions(axis, sweep.Values);
        var seedsText = string.Join(",", figure.Seeds);
        var space = figure.Preset.IsOpenImages ? "Open Images-shaped" : "NUS-WIDE-shaped";
        var fig = new PlotlyFigure(title ?? $"LESA improvement over Fast0Tag vs {AxisName(axis)} (synthetic, {space}, {figure.Preset.Name}, seeds {seedsText})");
        string[] colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
        for (var i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            var band = l.Seeds.Any(n => n > 1) ? l.Std.Select(s => double.IsNaN(s) ? 0 : s).ToList() : null;
            fig.Line(MetricLabel(l.Metric), x, l.Mean, band, colors[i % colors.Length]);
        }
        fig.Line("Fast0Tag (0)", [x.Min(), x.Max()], [0, 0], color: "#7f7f7f");
        double yAt(int index) => lines.Select(l => l.Mean[index]).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var paperIndex = sweep.Values.ToList().IndexOf(sweep.PaperValue);
        if (paperIndex >= 0) fig.Annotate($"paper {AxisName(axis)} = {FormatValue(sweep.PaperValue)}", x[paperIndex], yAt(paperIndex));
        if (axis == LesaSweepAxis.Modules)
            return fig.Axes("number of attention modules M", "improvement over Fast0Tag (pp)");
        var zeroIndex = sweep.Values.ToList().IndexOf(0);
        if (zeroIndex >= 0) fig.Annotate($"{AxisName(axis)} = 0", x[zeroIndex], yAt(zeroIndex));
        return fig.Axes($"log10 {AxisName(axis)} (leftmost point: {AxisName(axis)} = 0)", "improvement over Fast0Tag (pp)");
    }
}
