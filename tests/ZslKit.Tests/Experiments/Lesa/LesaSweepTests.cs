using System.Text.Json.Nodes;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Testing;

namespace ZslKit.Tests.Experiments.Lesa;

/// <summary>Figure 3 sweeps: configs, improvement series on hand-made runs (reference: tests/fixtures/lesa_sweeps/gen_sweeps.py),
/// gaps, plot positions and the figure. Nothing is trained.</summary>
public sealed class LesaSweepTests
{
    internal const string NoData = "/nonexistent-zslkit-data";
    private const double Tol = 1e-9;

    /// <summary>The quick preset's sweeps with the full plan's values (the fixture's), for the given seeds (default 0, 1, 2).</summary>
    internal static LesaFigure3 FullFigure(params int[] seeds) =>
        LesaSweeps.Define(LesaPresets.Quick, LesaSweepPlan.Full, seeds.Length == 0 ? [0, 1, 2] : seeds, dataDir: NoData);

    private static LesaFigure3 QuickFigure(params int[] seeds) => LesaSweeps.Define(LesaPresets.Quick, LesaSweepPlan.Quick, seeds, dataDir: NoData);

    /// <summary>A finished run of a config with the given test metrics (empty = diverged).</summary>
    internal static RunRecord Record(ExperimentConfig config, IReadOnlyDictionary<string, double> test, string stop = "Completed") =>
        new("", ConfigJson.Hash(config), config, null,
            new FinalMetrics(stop, null, 1, 1, new Dictionary<string, double>(), test, 1), []);

    private static readonly Lazy<JsonNode> Fixture = new(() => JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("lesa_sweeps", "sweeps.json")))!);

    private static Dictionary<string, double> Metrics(JsonNode? node) =>
        node!.AsObject().ToDictionary(kv => kv.Key, kv => (double)kv.Value!, StringComparer.Ordinal);

    /// <summary>The fixture's runs as records of the figure's configs (found by M, λ and seed), and its Fast0Tag runs.</summary>
    private static List<RunRecord> FixtureRuns(LesaFigure3 fig, bool withBaselines = true)
    {
        var cells = fig.Sweeps.SelectMany(s => s.Cells).ToList();
        var records = new List<RunRecord>();
        foreach (var r in Fixture.Value["runs"]!.AsArray())
        {
            var cell = cells.FirstOrDefault(c => c.Seed == (int)r!["seed"]! && c.Config.Options!["M"] == (double)r["M"]! &&
                                                 c.Config.LossWeights!["rel"] == (double)r["rel"]! && c.Config.LossWeights["div"] == (double)r["div"]! &&
                                                 c.Config.LossWeights["dist"] == (double)r["dist"]!);
            if (cell is null) continue;   // a seed the figure does not have
            var test = Metrics(r!["test"]);
            records.Add(Record(cell.Config, test, test.Count == 0 ? "Diverged" : "Completed"));
        }
        if (withBaselines)
            foreach (var b in Fixture.Value["baselines"]!.AsArray())
                if (fig.Baselines.SingleOrDefault(c => c.Seed == (int)b!["seed"]!) is { } cell)
                    records.Add(Record(cell.Config, Metrics(b!["test"])));
        return records;
    }

    private static LesaSweepAxis Axis(string name) => name switch
    {
        "M" => LesaSweepAxis.Modules, "λ_rel" => LesaSweepAxis.LambdaRel, "λ_div" => LesaSweepAxis.LambdaDiv, "λ_dist" => LesaSweepAxis.LambdaDist,
        _ => throw new ArgumentException(name),
    };

    [Fact]
    public void Define_builds_the_module_and_lambda_sweeps_around_the_paper_values()
    {
        var fig = QuickFigure(0, 1);
        Assert.Equal([1.0, 2, 5, 10, 20], fig.Sweep(LesaSweepAxis.Modules).Values);
        Assert.Equal([0.0, 0.001], fig.Sweep(LesaSweepAxis.LambdaRel).Values);
        Assert.Equal([0.0, 0.01], fig.Sweep(LesaSweepAxis.LambdaDiv).Values);
        Assert.Equal([0.0, 0.1], fig.Sweep(LesaSweepAxis.LambdaDist).Values);
        var full = LesaSweeps.Define(LesaPresets.Full, LesaSweepPlan.Full, [0], dataDir: NoData);
        Assert.Equal([1.0, 2, 3, 5, 10, 15, 20], full.Sweep(LesaSweepAxis.Modules).Values);
        Assert.Equal([0.0, 0.0001, 0.001, 0.01], full.Sweep(LesaSweepAxis.LambdaRel).Values);
        Assert.Equal([0.0, 0.01, 0.1, 1.0], full.Sweep(LesaSweepAxis.LambdaDist).Values);

        foreach (var sweep in fig.Sweeps)
        {
            Assert.Equal(sweep.Values.Count * 2, sweep.Cells.Count);
            foreach (var cell in sweep.Cells)
            {
                var c = cell.Config;
                Assert.Equal(("lesa", "synthetic-quick"), (c.Method, c.Experiment));
                Assert.Equal(sweep.Axis == LesaSweepAxis.Modules ? cell.Value : 10, c.Options!["M"]);
                Assert.Equal(sweep.Axis == LesaSweepAxis.LambdaRel ? cell.Value : 0.001, c.LossWeights!["rel"]);
                Assert.Equal(sweep.Axis == LesaSweepAxis.LambdaDiv ? cell.Value : 0.01, c.LossWeights["div"]);
                Assert.Equal(sweep.Axis == LesaSweepAxis.LambdaDist ? cell.Value : 0.1, c.LossWeights["dist"]);
                Assert.Equal(cell.Seed, c.Seed);
                Assert.Equal(LesaPresets.Quick.Training.Epochs, c.TrainingOrDefault.Epochs);
            }
        }
        Assert.Equal(["fast0tag", "fast0tag"], fig.Baselines.Select(b => b.Config.Method));
    }

    [Fact]
    public void The_paper_point_of_every_sweep_is_the_table_1_lesa_run()
    {
        var fig = QuickFigure(0);
        var table1 = ConfigJson.Hash(LesaExperiment.Config(LesaPresets.Quick, LesaNotebook.Experiment(LesaPresets.Quick), "lesa", 0, dataDir: NoData));
        foreach (var sweep in fig.Sweeps)
            Assert.Equal(table1, ConfigJson.Hash(Assert.Single(sweep.Cells, c => c.Value == sweep.PaperValue).Config));
        var fast0tag = LesaExperiment.Config(LesaPresets.Quick, "synthetic-quick", "fast0tag", 0, dataDir: NoData);
        Assert.Equal(ConfigJson.Hash(fast0tag), ConfigJson.Hash(fig.Baselines[0].Config));
    }

    [Fact]
    public void A_plan_epoch_count_applies_to_the_sweeps_and_the_baseline()
    {
        var fig = LesaSweeps.Define(LesaPresets.Quick, LesaSweepPlan.Quick with { Epochs = 2 }, [0], dataDir: NoData);
        Assert.All(fig.Sweeps.SelectMany(s => s.Cells).Concat(fig.Baselines), c => Assert.Equal(2, c.Config.TrainingOrDefault.Epochs));
    }

    [Fact]
    public void Define_rejects_bad_plans_and_seeds_naming_them()
    {
        Assert.Contains("M >= 1", Assert.Throws<ArgumentException>(() =>
            LesaSweeps.Define(LesaPresets.Quick, LesaSweepPlan.Quick with { Modules = [0, 1] }, [0], dataDir: NoData)).Message);
        Assert.Contains("LambdaFactors", Assert.Throws<ArgumentException>(() =>
            LesaSweeps.Define(LesaPresets.Quick, LesaSweepPlan.Quick with { LambdaFactors = [-1] }, [0], dataDir: NoData)).Message);
        Assert.Contains("seeds repeat", Assert.Throws<ArgumentException>(() =>
            LesaSweeps.Define(LesaPresets.Quick, LesaSweepPlan.Quick, [1, 1], dataDir: NoData)).Message);
        Assert.Contains("at least one seed", Assert.Throws<ArgumentException>(() =>
            LesaSweeps.Define(LesaPresets.Quick, LesaSweepPlan.Quick, [], dataDir: NoData)).Message);
    }

    [Fact]
    public void Improvements_match_the_numpy_reference_mean_and_sample_std_over_seeds()
    {
        var fig = FullFigure();
        var result = LesaSweeps.Improvements(fig, FixtureRuns(fig));
        foreach (var e in Fixture.Value["expected"]!.AsArray())
        {
            var s = result.Get(Axis((string)e!["axis"]!), (string)e["metric"]!);
            Assert.Equal(e["values"]!.AsArray().Select(v => (double)v!), s.Values);
            Assert.Equal(e["seeds"]!.AsArray().Select(v => (int)v!), s.Seeds);
            for (var i = 0; i < s.Values.Count; i++)
            {
                var mean = e["mean"]![i];
                var std = e["std"]![i];
                if (mean is null) Assert.True(double.IsNaN(s.Mean[i]), $"{e["axis"]} {e["metric"]} point {i}: expected a gap");
                else Assert.True(Math.Abs((double)mean - s.Mean[i]) <= Tol, $"{e["axis"]} {e["metric"]} point {i}: mean {s.Mean[i]} vs {mean}");
                if (std is null) Assert.True(double.IsNaN(s.Std[i]));
                else Assert.True(Math.Abs((double)std - s.Std[i]) <= Tol, $"{e["axis"]} {e["metric"]} point {i}: std {s.Std[i]} vs {std}");
            }
        }
        Assert.Equal(16, result.Series.Count);
    }

    [Fact]
    public void Improvement_is_in_percentage_points_over_fast0tag_of_the_same_seed()
    {
        var fig = QuickFigure(0, 1);
        var m10 = fig.Sweep(LesaSweepAxis.Modules).Cells.Where(c => c.Value == 10).ToList();
        var runs = new List<RunRecord>
        {
            Record(fig.Baselines[0].Config, new Dictionary<string, double> { ["zs/f1@3"] = 0.10 }),
            Record(fig.Baselines[1].Config, new Dictionary<string, double> { ["zs/f1@3"] = 0.20 }),
            Record(m10[0].Config, new Dictionary<string, double> { ["zs/f1@3"] = 0.25 }),   // +15 pp over seed 0's 0.10
            Record(m10[1].Config, new Dictionary<string, double> { ["zs/f1@3"] = 0.31 }),   // +11 pp over seed 1's 0.20
        };
        var s = LesaSweeps.Improvements(fig, runs).Get(LesaSweepAxis.Modules, "zs/f1@3");
        var i = s.Values.ToList().IndexOf(10);
        Assert.Equal(13, s.Mean[i], 9);
        Assert.Equal(Math.Sqrt(8), s.Std[i], 9);   // (15 - 13)² + (11 - 13)² over n - 1 = 1
        Assert.Equal(2, s.Seeds[i]);
        var table = LesaSweeps.Improvements(fig, runs).ToMarkdown();
        Assert.Contains("| M | seeds | ZS F1@3 Δ (pp) | ZS mAP Δ (pp) | GZS F1@3 Δ (pp) | GZS mAP Δ (pp) |", table);
        Assert.Contains("| 10 | 2 | +13.0 ± 2.8 | — | — | — |", table);
        Assert.Contains("* M = 10, seed 1: test metric 'zs/map' missing in the sweep run (stopped: Completed)", table);
    }

    [Fact]
    public void Missing_runs_baselines_and_metrics_are_listed_and_left_out_of_the_mean()
    {
        var fig = FullFigure();
        var result = LesaSweeps.Improvements(fig, FixtureRuns(fig));
        var gaps = result.Missing.Select(g => (LesaSweeps.AxisName(g.Axis), g.Value, g.Seed, g.Reason)).ToList();
        foreach (var m in Fixture.Value["missing"]!.AsArray())
            Assert.Contains(gaps, g => g.Item1 == (string)m!["axis"]! && g.Value == (double)m["value"]! && g.Seed == (int)m["seed"]! &&
                                       g.Reason.StartsWith((string)m["reason"]!, StringComparison.Ordinal));
        Assert.Equal(Fixture.Value["missing"]!.AsArray().Count, result.Missing.Count);
        Assert.Contains("Missing cells:", result.ToMarkdown());
        Assert.Contains("* M = 2, seed 1: no finished run", result.ToMarkdown());

        var noBase2 = FixtureRuns(fig).Where(r => !(r.Config.Method == "fast0tag" && r.Config.Seed == 2)).ToList();
        var without = LesaSweeps.Improvements(fig, noBase2);
        Assert.Contains(without.Missing, g => g.Axis == LesaSweepAxis.Modules && g.Value == 1 && g.Seed == 2 &&
                                              g.Reason == "no finished Fast0Tag run for seed 2");
        Assert.All(without.Get(LesaSweepAxis.LambdaRel, "zs/map").Seeds, n => Assert.Equal(2, n));
    }

    [Fact]
    public void Improvements_print_their_sign_even_when_they_round_to_zero()
    {
        Assert.Equal("-0.0", LesaSweeps.Signed(-0.04));
        Assert.Equal("+0.0", LesaSweeps.Signed(0.04));
        Assert.Equal("+0.0", LesaSweeps.Signed(0));
        Assert.Equal("-13.0", LesaSweeps.Signed(-12.96));
        Assert.Equal("+2.5", LesaSweeps.Signed(2.46));
    }

    [Fact]
    public void Lambda_positions_are_log10_with_zero_one_decade_left_of_the_smallest_lambda()
    {
        Assert.Equal([-4.0, -3, -2], LesaSweeps.PlotPositions(LesaSweepAxis.LambdaRel, [0, 0.001, 0.01]).Select(x => Math.Round(x, 12)));
        Assert.Equal([-3.0, -2, -1, 0], LesaSweeps.PlotPositions(LesaSweepAxis.LambdaDist, [0, 0.01, 0.1, 1]).Select(x => Math.Round(x, 12)));
        Assert.Equal([1.0, 2, 20], LesaSweeps.PlotPositions(LesaSweepAxis.Modules, [1, 2, 20]));
    }

    [Fact]
    public void Figure_draws_a_banded_line_per_metric_and_marks_zero_and_the_paper_value()
    {
        var fig = FullFigure();
        var result = LesaSweeps.Improvements(fig, FixtureRuns(fig));
        var json = LesaSweeps.Figure(result, fig, LesaSweepAxis.LambdaRel).ToJson();
        var data = json["data"]!.AsArray();
        // 4 metrics x (lower band, upper band, line) + the Fast0Tag zero line
        Assert.Equal(13, data.Count);
        var zsF1 = data.Single(t => (string?)t!["name"] == "ZS F1@3")!;
        Assert.Equal([-5.0, -4, -3, -2], zsF1["x"]!.AsArray().Select(v => Math.Round((double)v!, 12)));
        var expected = result.Get(LesaSweepAxis.LambdaRel, "zs/f1@3");
        Assert.Equal(expected.Mean[2], (double)zsF1["y"]![2]!, 12);
        var upper = data.Single(t => (string?)t!["name"] == "ZS F1@3 + band")!;
        Assert.Equal(expected.Mean[2] + expected.Std[2], (double)upper["y"]![2]!, 12);
        var notes = json["layout"]!["annotations"]!.AsArray().Select(a => (string)a!["text"]!).ToList();
        Assert.Contains("λ_rel = 0", notes);
        Assert.Contains("paper λ_rel = 0.001", notes);
        Assert.Contains("log10 λ_rel", (string)json["layout"]!["xaxis"]!["title"]!["text"]!);
        Assert.Contains("(synthetic, NUS-WIDE-shaped, quick, seeds 0,1,2)", (string)json["layout"]!["title"]!["text"]!);

        var gap = LesaSweeps.Figure(result, fig, LesaSweepAxis.LambdaDiv).ToJson();
        var divLine = gap["data"]!.AsArray().Single(t => (string?)t!["name"] == "ZS mAP")!;
        Assert.Null(divLine["y"]![0]);   // λ_div = 0 has no runs: a gap, not a zero

        var one = FullFigure(0);
        var single = LesaSweeps.Figure(LesaSweeps.Improvements(one, FixtureRuns(one).Where(r => r.Config.Seed == 0)), one, LesaSweepAxis.Modules).ToJson();
        Assert.Equal(5, single["data"]!.AsArray().Count);   // one seed: no bands (4 lines + the zero line)
    }

    [Fact]
    public void Run_trains_each_distinct_config_once_baselines_first()
    {
        var fig = QuickFigure(0, 1);
        var root = Path.Combine(Path.GetTempPath(), "zslkit-sweep-" + Guid.NewGuid().ToString("N")[..8]);
        var calls = new List<ExperimentConfig>();
        var result = LesaSweeps.Run(fig, new RunOptions(root), (c, _) =>
        {
            calls.Add(c);
            return Record(c, new Dictionary<string, double> { ["zs/f1@3"] = 0.5 });
        });
        var distinct = fig.Baselines.Concat(fig.Sweeps.SelectMany(s => s.Cells)).Select(c => ConfigJson.Hash(c.Config)).Distinct().ToList();
        // quick: 5 M values + 3 sweeps x 1 non-paper λ value (0) = 8 LESA configs per seed, plus Fast0Tag
        Assert.Equal(2 * 9, distinct.Count);
        Assert.Equal(distinct, calls.Select(ConfigJson.Hash));
        Assert.Equal(["fast0tag", "fast0tag"], calls.Take(2).Select(c => c.Method));
        Assert.Equal(0, result.CacheHits);
        Assert.Equal(["sweep", "value", "seed"], result.Axes);
        Assert.False(Directory.Exists(root));
    }
}
