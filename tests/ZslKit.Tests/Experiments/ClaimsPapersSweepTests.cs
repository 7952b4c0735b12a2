using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Papers;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Sweeps;
using ZslKit.Reporting;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments;

[Collection("torch-global-state")]
public sealed class ClaimsPapersSweepTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-cps-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static RunRecord Run(int m, int seed, double map, bool synthetic = true, string experiment = "ablation-m")
    {
        var c = new ExperimentConfig(Paper: "lesa", Experiment: experiment, Seed: seed,
            Dataset: new DatasetConfig(Synthetic: synthetic), Options: new(StringComparer.Ordinal) { ["M"] = m });
        var final = new FinalMetrics("Completed", null, 1, 1, new Dictionary<string, double>(), new Dictionary<string, double> { ["zs/map"] = map }, 1);
        return new RunRecord("", ConfigJson.Hash(c), c, null, final, []);
    }

    private static readonly MetricComparisonClaim MBeatsOne = new("lesa-m", "LESA M=10 beats M=1 on ZS mAP", "zs/map",
        RunSelector.Where("M=10", "ablation-m", ("options.M", "10")), RunSelector.Where("M=1", "ablation-m", ("options.M", "1")));

    [Fact]
    public void A_claim_holds_when_the_seed_means_differ_in_its_direction()
    {
        var r = MBeatsOne.Evaluate([Run(10, 0, 0.30), Run(10, 1, 0.32), Run(1, 0, 0.25), Run(1, 1, 0.27)]);
        Assert.Equal(ClaimStatus.Held, r.Status);
        Assert.Contains("0.3100 ± 0.0141 (2 seeds)", r.Detail);
        Assert.Contains("margin +3.5 SE [synthetic data]", r.Detail);             // 0.05 / sqrt(0.0002/2 + 0.0002/2) = 3.54
        Assert.DoesNotContain("within seed noise", r.Detail);
        Assert.Contains("[synthetic data]", r.Detail);
    }

    [Fact]
    public void A_margin_inside_the_seed_spread_is_flagged_as_seed_noise_without_changing_the_verdict()
    {
        var r = MBeatsOne.Evaluate([Run(10, 0, 0.20), Run(10, 1, 0.40), Run(1, 0, 0.25), Run(1, 1, 0.27)]);
        Assert.Equal(ClaimStatus.Held, r.Status);                                 // 0.30 vs 0.26: the means decide
        Assert.Contains("margin +0.4 SE (within seed noise: |margin| < 2 SE)", r.Detail);   // 0.04 / sqrt(0.02/2 + 0.0002/2) = 0.40
        var one = MBeatsOne.Evaluate([Run(10, 0, 0.30), Run(1, 0, 0.25), Run(1, 1, 0.27)]);
        Assert.Contains("one seed on a side: no seed-noise estimate", one.Detail);
        var same = MBeatsOne.Evaluate([Run(10, 0, 0.30), Run(10, 1, 0.30), Run(1, 0, 0.25), Run(1, 1, 0.25)]);
        Assert.Contains("the seeds agree exactly", same.Detail);
        // A margin that rounds to zero prints as 0, not as "-+0.0000" (a negative value rounding to zero).
        var tie = MBeatsOne.Evaluate([Run(10, 0, 0.30 - 1e-7), Run(10, 1, 0.32 - 1e-7), Run(1, 0, 0.30), Run(1, 1, 0.32)]);
        Assert.Contains("zs/map margin 0.0000 (needs > 0); margin 0.0 SE (within seed noise", tie.Detail);
    }

    [Fact]
    public void A_side_whose_runs_form_several_configurations_is_not_evaluated_instead_of_averaged()
    {
        // A selector that does not pin M matches M=10 and M=1 alike (a runs folder shared by a table and an M sweep).
        var loose = new MetricComparisonClaim("loose", "any M beats M=1", "zs/map",
            RunSelector.Where("any M", "ablation-m"), RunSelector.Where("M=1", "ablation-m", ("options.M", "1")));
        var r = loose.Evaluate([Run(10, 0, 0.30), Run(10, 1, 0.32), Run(1, 0, 0.25), Run(1, 1, 0.27)]);
        Assert.Equal(ClaimStatus.NotEvaluated, r.Status);
        Assert.Contains("the runs matching any M form 2 configurations", r.Detail);
        Assert.Null(r.WithinSeedNoise);
    }

    [Fact]
    public void A_claim_is_not_held_when_the_other_side_wins()
    {
        var r = MBeatsOne.Evaluate([Run(10, 0, 0.20, synthetic: false), Run(1, 0, 0.25, synthetic: false)]);
        Assert.Equal(ClaimStatus.NotHeld, r.Status);
        Assert.DoesNotContain("synthetic", r.Detail);
    }

    [Fact]
    public void A_claim_without_runs_or_metric_is_not_evaluated_and_says_why()
    {
        var none = MBeatsOne.Evaluate([Run(10, 0, 0.3)]);
        Assert.Equal(ClaimStatus.NotEvaluated, none.Status);
        Assert.Contains("no finished runs for M=1", none.Detail);
        var otherMetric = MBeatsOne with { Metric = "gzs/map" };
        var missing = otherMetric.Evaluate([Run(10, 0, 0.3), Run(1, 0, 0.2)]);
        Assert.Equal(ClaimStatus.NotEvaluated, missing.Status);
        Assert.Contains("'gzs/map' missing", missing.Detail);
        var md = ClaimReport.ToMarkdown(ClaimReport.Evaluate([MBeatsOne, otherMetric], [Run(10, 0, 0.3), Run(1, 0, 0.2)]));
        Assert.Contains("| LESA M=10 beats M=1 on ZS mAP | held |", md);
        Assert.Contains("| not evaluated |", md);
    }

    private string WriteTable(string text)
    {
        var dir = Path.Combine(_root, "papers", "lesa");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "table1.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private const string Header = "table,dataset,setting,method,metric,value,source\n";

    [Fact]
    public void A_paper_table_joins_our_numbers_with_delta_only_on_real_data()
    {
        // Test data (not a paper's numbers): two reported cells of a made-up method.
        var t = PaperTable.Load(WriteTable("# source: test fixture\n" + Header +
            "Table 9,NUS-WIDE,ZS,Demo,F1@3,10.5,test\nTable 9,NUS-WIDE,ZS,Demo,mAP,20.25,test\n"));
        Assert.Equal("lesa", t.Paper);
        Assert.Equal(["source: test fixture"], t.Comments);
        var ours = new Dictionary<string, double> { ["ZS/F1@3"] = 11.0, ["mAP"] = 20.0 };
        var real = t.Compare("Demo", ours, new Provenance("NUS-WIDE", DatasetKind.Real, "c", 0, "abc"));
        Assert.Equal(2, real.Rows.Count);
        Assert.Equal(("10.5", "11.0", "+0.5"), real.Format(real.Rows[0]));
        Assert.Equal(("20.25", "20.00", "-0.25"), real.Format(real.Rows[1]));
        var synthetic = t.Compare("Demo", ours, new Provenance("synthetic", DatasetKind.Synthetic, "c", 0, "abc"));
        Assert.Null(synthetic.Format(synthetic.Rows[0]).Delta);
    }

    [Fact]
    public void A_paper_table_joins_the_seed_mean_of_runs_and_labels_synthetic_runs()
    {
        var t = PaperTable.Load(WriteTable(Header + "Table 9,NUS-WIDE,ZS,Demo,mAP,0.30,test\n"));
        var synthetic = t.Compare("Demo", [Run(10, 0, 0.20), Run(10, 1, 0.30)]);
        Assert.Equal(DatasetKind.Synthetic, synthetic.Provenance.Kind);
        Assert.Equal(0, synthetic.Provenance.Seed);
        Assert.Contains("seeds 0,1, mean", synthetic.Provenance.Config);
        Assert.Equal(("0.30", "0.25", null), synthetic.Format(synthetic.Rows[0]));
        var real = t.Compare("Demo", [Run(10, 0, 0.20, synthetic: false), Run(10, 1, 0.30, synthetic: false)]);
        Assert.Equal(("0.30", "0.25", "-0.05"), real.Format(real.Rows[0]));
        var e = Assert.Throws<ArgumentException>(() => t.Compare("Demo", [Run(10, 0, 0.2), Run(1, 0, 0.3)]));
        Assert.Contains("2 configurations", e.Message);
    }

    [Theory]
    [InlineData("table,dataset,method\n", "line 1: header")]
    [InlineData(Header + "T1,N,ZS,M,mAP,abc,src\n", "line 2: value 'abc' is not a number")]
    [InlineData(Header + "T1,N,ZS,M,mAP,1.0\n", "line 2: 6 cells")]
    [InlineData(Header + "T1,N,ZS,M,mAP,1.0,\n", "line 2: the source column is empty")]
    [InlineData(Header + "T1,N,ZS,M,mAP,1.0,s\nT1,N,ZS,M,mAP,2.0,s\n", "duplicate row")]
    public void A_malformed_paper_table_names_the_file_and_line(string text, string expected)
    {
        var path = WriteTable(text);
        var e = Assert.Throws<InvalidDataException>(() => PaperTable.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Every_committed_paper_table_loads_and_names_its_source()
    {
        var root = Path.Combine(ZslKit.Testing.RepoPaths.Root, "results", "papers");
        var files = Directory.Exists(root) ? Directory.GetFiles(root, "*.csv", SearchOption.AllDirectories) : [];
        foreach (var f in files)
        {
            var t = PaperTable.Load(f);
            Assert.NotEmpty(t.Rows);
            // Transcribed paper tables are named "Table N"; release-*.csv files hold an official code release's own
            // numbers (e.g. results/papers/lesa/release-nus-wide.csv) and name that release instead.
            if (!Path.GetFileName(f).StartsWith("release-", StringComparison.Ordinal))
                Assert.All(t.Rows, r => Assert.StartsWith("Table", r.Table));
            else
                Assert.All(t.Rows, r => Assert.Contains("release", r.Table, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_grid_sweep_runs_each_point_once_and_hits_the_cache_the_second_time()
    {
        var runs = new RunsTests();
        var options = new RunOptions(_root);
        var points = Sweep.Grid(RunsTests.Config(epochs: 1), SweepAxis.Of("optimizer.lr", 0.1, 0.5), SweepAxis.Of("training.batchSize", 8, 16));
        Assert.Equal(4, points.Count);
        Assert.Equal(4, points.Select(p => ConfigJson.Hash(p.Config)).Distinct().Count());
        int trained = 0;
        RunRecord RunOne(ExperimentConfig c) { trained++; return ExperimentRunner.Run(c, options, runs.Setup); }
        var first = Sweep.Run(points, _root, RunOne);
        Assert.Equal(4, trained);
        Assert.Equal(0, first.CacheHits);
        var second = Sweep.Run(points, _root, RunOne);
        Assert.Equal(4, trained);                                 // nothing retrained
        Assert.Equal(4, second.CacheHits);
        Assert.Equal(first.Test("map"), second.Test("map"));
        var csv = second.ToCsv().Split('\n');
        Assert.StartsWith("optimizer.lr,training.batchSize,run_id,cached,test_f1@3,test_map,val_f1@3,val_loss,val_map", csv[0]);
        Assert.StartsWith("0.1,8,", csv[1]);
        Assert.StartsWith("0.5,16,", csv[4]);
        runs.Dispose();
    }

    [Fact]
    public void A_sweep_axis_with_an_unknown_path_fails_before_anything_runs()
    {
        var e = Assert.Throws<ArgumentException>(() => Sweep.Grid(new ExperimentConfig(), SweepAxis.Of("training.lambda", 1.0)));
        Assert.Contains("no field 'lambda' in training", e.Message);
    }
}
