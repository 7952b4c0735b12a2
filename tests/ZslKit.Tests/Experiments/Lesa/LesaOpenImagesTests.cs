// LesaOpenImagesTests.cs - LESA in Open Images' label space: the synthetic OI-shaped benchmark's semantics, the OI protocol
// (K 10/20, selection on validation mAP, lr-rule patience 2) end to end on a tiny config, the OI table columns, and the real
// "openimages" dataset read from small feature stores written here (stopping with the folder named when they are absent).
using ZslKit.Data.Datasets;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Models;
using ZslKit.Testing;
using ZslKit.Torch;
using Semantics = ZslKit.Data.Synthetic.LabelSemantics;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaOpenImagesTests : IDisposable
{
    private const string NoData = "/nonexistent-zslkit-data";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-lesa-oi-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Open Images-shaped and small: 3x3 regions, D 8, 60 training (6 validation) and 24 test images, 1 epoch.</summary>
    private static readonly LesaPreset TinyOi = new("tiny",
        MultiLabelBenchmarkConfig.Quick with
        {
            TrainImages = 60, TestImages = 24, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, FeatureDim = 8,
            MinLabelsPerImage = 3, MaxLabelsPerImage = 8, TopicCount = 60,
        },
        Hidden: 8, Modules: 2, new LesaTrainingOptions { Epochs = 1, BatchSize = 16, LearningRate = 0.05, Patience = 2 }, Seeds: [0],
        LesaProtocol.OpenImages);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Stand_in_open_images_semantics_have_the_protocol_sizes_without_shared_data()
    {
        var sem = Semantics.OpenImagesOrStandIn(NoData, 5);
        Assert.Equal((7186, 400, 7586, 300), (sem.SeenCount, sem.UnseenCount, sem.Count, sem.Dim));
        Assert.True(sem.IsStandIn);
        Assert.StartsWith("stand-in:seed=5,seen=7186,unseen=400,dim=300,clusters=64", sem.Source);
        Assert.Equal(7586, sem.Names.Distinct().Count());
    }

    [Fact]
    public void Open_images_semantics_carry_the_real_label_names_and_say_the_vectors_are_stand_ins()
    {
        Skip.If(!Semantics.HasOpenImages(RepoPaths.SharedData), "shared data openimages-v4 label lists absent");
        var labels = OpenImagesLabels.Load(Path.Combine(RepoPaths.SharedData!, "openimages-v4"));
        var sem = Semantics.OpenImagesOrStandIn(RepoPaths.SharedData, 5);
        Assert.Equal((7186, 400), (sem.SeenCount, sem.UnseenCount));
        Assert.Equal(labels.SeenNames, sem.Names[..7186]);
        Assert.Equal(labels.UnseenNames, sem.Names[7186..]);
        Assert.StartsWith("openimages-names+stand-in-vectors:", sem.Source);
        Assert.Contains(";stand-in:seed=5,seen=7186,unseen=400", sem.Source);
        // the vectors are exactly the stand-in of the same sizes and seed
        Assert.Equal(Semantics.OpenImagesOrStandIn(NoData, 5).Vectors, sem.Vectors);
        Assert.Equal(labels.UnseenIds.Length, labels.UnseenRows.Length);
        var candidates = File.ReadAllLines(Path.Combine(RepoPaths.SharedData!, "openimages-v4", "unseen_labels.txt"));
        Assert.Equal(labels.UnseenIds, labels.UnseenRows.Select(r => candidates[r].Trim()));
    }

    [Fact]
    public void Real_open_images_word_vectors_pick_the_top_400_unseen_rows_and_reject_a_wrong_shape()
    {
        Skip.If(!Semantics.HasOpenImages(RepoPaths.SharedData), "shared data openimages-v4 label lists absent");
        var data = Path.Combine(_root, "data");
        var oi = Directory.CreateDirectory(Path.Combine(data, "openimages-v4")).FullName;
        foreach (var f in new[] { "classes-trainable.txt", "unseen_labels.txt", "top_400_unseen.csv", "class-descriptions.csv" })
            File.Copy(Path.Combine(RepoPaths.SharedData!, "openimages-v4", f), Path.Combine(oi, f));
        Assert.False(Semantics.HasOpenImagesVectors(data));
        const int d = 3;
        // row r of the seen file is (r, 1, 0); row r of the unseen file is (0, 1, r): each row is identifiable after normalising
        var seen = Enumerable.Range(0, 7186).SelectMany(r => new float[] { r, 1, 0 }).ToArray();
        var unseen = Enumerable.Range(0, 2594).SelectMany(r => new float[] { 0, 1, r }).ToArray();
        ZslKit.Data.Formats.Npy.Write<float>(Path.Combine(oi, Semantics.OpenImagesSeenVectorsFile), seen, 7186, d);
        ZslKit.Data.Formats.Npy.Write<float>(Path.Combine(oi, Semantics.OpenImagesUnseenVectorsFile), unseen, 2594, d);
        Assert.True(Semantics.HasOpenImagesVectors(data));
        var sem = Semantics.LoadOpenImages(data);
        var labels = OpenImagesLabels.Load(oi);
        Assert.Equal((7186, 400, 3), (sem.SeenCount, sem.UnseenCount, sem.Dim));
        Assert.StartsWith("openimages-w2v:", sem.Source);
        Assert.False(sem.IsStandIn);
        var row = sem.Row(7186 + 5).ToArray();                                   // unseen label 5 = candidate UnseenRows[5]
        Assert.Equal(labels.UnseenRows[5], row[2] / row[1], 3);
        var seenRow = sem.Row(42).ToArray();
        Assert.Equal(42.0, seenRow[0] / seenRow[1], 3);
        ZslKit.Data.Formats.Npy.Write<float>(Path.Combine(oi, Semantics.OpenImagesUnseenVectorsFile), unseen.AsSpan(0, 400 * d), 400, d);
        var e = Assert.Throws<ZslKit.Data.DataFormatException>(() => Semantics.LoadOpenImages(data));
        Assert.Contains(Semantics.OpenImagesUnseenVectorsFile, e.Message);
        Assert.Contains("2594", e.Message);
    }

    [Fact]
    public void Open_images_configs_use_map_selection_patience_2_and_the_label_count_knobs()
    {
        var c = LesaExperiment.Config(LesaPresets.OpenImagesQuick, "oi", "lesa", 0, dataDir: NoData);
        Assert.Equal(LesaExperiment.SyntheticOpenImagesStandIn, c.DatasetOrDefault.Name);
        Assert.True(c.DatasetOrDefault.Synthetic);
        Assert.Equal("map", c.TrainingOrDefault.SelectionMetric);
        Assert.Equal(2, c.ScheduleOrDefault.Patience);
        Assert.Equal(0.8, c.ScheduleOrDefault.Factor);
        Assert.Equal(LesaPresets.OpenImagesQuick.Benchmark, LesaExperiment.BenchmarkConfig(c));
        Assert.Equal((3, 8, 60), (c.Options!["minLabels"], c.Options["maxLabels"], c.Options["topics"]));
        // NUS-WIDE configs are unchanged: F1@5 selection, patience 5, no label-count options
        var nus = LesaExperiment.Config(LesaPresets.Quick, "nus", "lesa", 0, dataDir: NoData);
        Assert.Equal(("f1@5", 5), (nus.TrainingOrDefault.SelectionMetric, nus.ScheduleOrDefault.Patience));
        Assert.False(nus.Options!.ContainsKey("minLabels"));
        var e = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(ConfigJson.ApplyOverrides(c, ["options.maxLabels=2"])));
        Assert.Contains("MaxLabelsPerImage", e.Message);
        var real = LesaExperiment.RealConfig("oi", "lesa", 0, dataset: LesaExperiment.OpenImages);
        Assert.Equal(("map", 2, false), (real.TrainingOrDefault.SelectionMetric, real.ScheduleOrDefault.Patience, real.DatasetOrDefault.Synthetic));
        Assert.Equal(LesaExperiment.OpenImages, LesaExperiment.Check(real).DatasetOrDefault.Name);
    }

    [Fact]
    public void A_tiny_open_images_run_reports_zs_and_gzs_metrics_at_k_10_and_20_over_7586_labels()
    {
        var c = LesaExperiment.Config(TinyOi, "oi-tiny", "lesa", 0, dataDir: NoData);
        var (bench, _) = LesaExperiment.Benchmark(c, NoData);
        Assert.Equal((7186, 400, 7586), (bench.SeenCount, bench.UnseenCount, bench.LabelCount(MultiLabelSplit.Test)));
        Assert.Equal(7186, bench.LabelCount(MultiLabelSplit.Train));
        var run = LesaExperiment.Run(c, new RunOptions(Path.Combine(_root, "runs")));
        Assert.Equal("Completed", run.Final.Stop);
        Assert.Single(run.Epochs);
        Assert.InRange(run.Epochs[0].Validation["map"], 0.0, 1.0);
        var test = run.Final.Test;
        foreach (var prefix in new[] { "", "final/" })
            foreach (var key in LesaProtocol.OpenImages.TestKeys("zs").Concat(LesaProtocol.OpenImages.TestKeys("gzs")))
                Assert.InRange(test[prefix + key], 0.0, 1.0);
        Assert.Equal(2 * 2 * 7, test.Count);                                // {selected, final} x {zs, gzs} x (map + 3 x 2 K)
        Assert.DoesNotContain("zs/f1@3", test.Keys);
        // recall can only grow from the top 10 to the top 20
        Assert.True(test["zs/r@20"] >= test["zs/r@10"]);

        using var model = LesaExperiment.LoadModel(run);
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor<float>(LesaBatches.Regions(bench, MultiLabelSplit.Test, [0, 1, 2]), [3, bench.RegionCount, bench.FeatureDim]); // [3, R, D]
        var scores = model.Scores(x, model.EmbedLabels(LesaBatches.LabelVectors(bench)));
        Assert.Equal(new long[] { 3, 7586 }, scores.shape);
    }

    [Fact]
    public void Test_metrics_at_k_10_and_20_match_the_evaluator_on_the_unseen_and_all_columns()
    {
        var bench = new MultiLabelBenchmark(TinyOi.Benchmark, Semantics.OpenImagesOrStandIn(NoData, 0));
        int n = bench.ImageCount(MultiLabelSplit.Test), l = bench.Semantics.Count;
        var rng = new Random(3);
        var scores = Enumerable.Range(0, n * l).Select(_ => (float)rng.NextDouble()).ToArray();
        var m = LesaEvaluation.TestMetrics(bench, scores, [10, 20]);
        var labels = new sbyte[n * l];
        bench.GetLabelBatch(MultiLabelSplit.Test, Enumerable.Range(0, n).ToArray(), labels);
        var gzs = ZslKit.Metrics.MultiLabelEvaluator.Evaluate(ZslKit.Metrics.Matrix.Create(scores, n, l), ZslKit.Metrics.Matrix.Create(labels, n, l),
            new ZslKit.Metrics.MultiLabelOptions([10, 20], ZslKit.Metrics.MultiLabelProtocol.Nus, Variants: []));
        Assert.Equal(gzs.Map, m["gzs/map"]);
        Assert.Equal(gzs.TopK[1].Precision, m["gzs/p@20"]);
        Assert.Equal(gzs.TopK[0].F1, m["gzs/f1@10"]);
        // K = 3, 5 through the same method equals the NUS-WIDE record method
        var nus = LesaEvaluation.TestMetrics(bench, scores);
        var generic = LesaEvaluation.TestMetrics(bench, scores, [3, 5]);
        Assert.Equal((nus.ZslMap, nus.ZslF1At3, nus.GzslP5, nus.GzslR3), (generic["zs/map"], generic["zs/f1@3"], generic["gzs/p@5"], generic["gzs/r@3"]));
        // from explicit labels (lesa-oi-test's full-size pass): the same numbers; sizes that do not match are refused
        Assert.Equal(m, LesaEvaluation.TestMetrics(scores, labels, n, l, bench.SeenCount, [10, 20]));
        Assert.Contains($"labels {n * l - 1} values", Assert.Throws<ArgumentException>(() =>
            LesaEvaluation.TestMetrics(scores, labels[..^1], n, l, bench.SeenCount, [10, 20])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LesaEvaluation.TestMetrics(scores, labels, n, l, l, [10, 20]));
    }

    [Fact]
    public void Open_images_tables_show_k_10_and_20_columns_and_claims_compare_f1_at_10()
    {
        var runs = LesaTables.Table1Rows.Select(r =>
        {
            var c = LesaExperiment.Config(LesaPresets.OpenImagesQuick, "synthetic-openimages-quick", r.Row, 0, dataDir: NoData);
            var test = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var key in LesaProtocol.OpenImages.TestKeys("zs").Concat(LesaProtocol.OpenImages.TestKeys("gzs")))
                test[key] = test["final/" + key] = r.Row == "lesa" ? 0.5 : 0.1;
            var final = new FinalMetrics("completed", null, 1, 1, new Dictionary<string, double> { ["map"] = 0.2 }, test, 1.0);
            return new RunRecord("/tmp/none/" + ConfigJson.Hash(c), ConfigJson.Hash(c), c, null, final, []);
        }).ToList();
        var table = LesaTables.Table1(runs);
        Assert.Equal(["P@10", "R@10", "F1@10", "P@20", "R@20", "F1@20", "mAP"], table.Columns.Where(c => c.Setting == "ZS").Select(c => c.Metric));
        Assert.Contains("best validation mAP", table.Caption);
        Assert.Equal("50.0", table.Cell(table.Rows.Single(r => r.Label == "LESA (M=10)"), LesaTables.Column("GZS", "F1@20")));
        Assert.Contains("SYNTHETIC", table.ToMarkdown());
        var claims = ZslKit.Experiments.Claims.ClaimReport.Evaluate(LesaClaims.Table1(protocol: LesaProtocol.OpenImages), runs);
        Assert.All(claims, c => Assert.Equal(ZslKit.Experiments.Claims.ClaimStatus.Held, c.Status));
        Assert.All(claims, c => Assert.Contains("F1@10", c.Statement));
        // NUS-style claims find no F1@3 in these runs
        Assert.Contains(ZslKit.Experiments.Claims.ClaimReport.Evaluate(LesaClaims.Table1(), runs), c => c.Status != ZslKit.Experiments.Claims.ClaimStatus.Held);
        var mixed = runs.Append(LesaRunFactory.Run(LesaRunFactory.Config("lesa"), 0.3)).ToList();
        Assert.Throws<ArgumentException>(() => LesaTables.Table1(mixed));
    }

    [Fact]
    public void Real_open_images_without_feature_stores_stops_naming_the_missing_folder()
    {
        var c = LesaExperiment.RealConfig("oi", "lesa", 0, dataset: LesaExperiment.OpenImages);
        var e = Assert.Throws<InvalidOperationException>(() => LesaExperiment.Data(c, Path.Combine(_root, "no-data")));
        Assert.Contains(Path.Combine(_root, "no-data", "openimages-v4", "features"), e.Message);
        Assert.Contains(LesaExperiment.OpenImagesFeaturesVariable, e.Message);
    }

    [Fact]
    public void A_real_open_images_run_reads_train_validation_and_test_stores_of_the_official_layouts()
    {
        Skip.If(!Semantics.HasOpenImages(RepoPaths.SharedData), "shared data openimages-v4 label lists absent");
        var features = Path.Combine(_root, "oi-features");
        const int seen = 7186, candidates = 2594;
        LesaOpenImagesFigure4Tests.WriteStore(Path.Combine(features, "train"), 40, seen + 400, seed: 1);
        LesaOpenImagesFigure4Tests.WriteStore(Path.Combine(features, "validation"), 8, seen, seed: 2);
        LesaOpenImagesFigure4Tests.WriteStore(Path.Combine(features, "test"), 12, seen + candidates, seed: 3);
        var old = Environment.GetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable);
        Environment.SetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable, features);
        try
        {
            Assert.True(LesaExperiment.HasOpenImagesFeatures(RepoPaths.SharedData));
            var c = ConfigJson.ApplyOverrides(LesaExperiment.RealConfig("oi-real", "lesa", 0, epochs: 1, dataset: LesaExperiment.OpenImages),
                ["options.M=2", "options.hidden=8"]);
            var (data, cache) = LesaExperiment.Data(c, RepoPaths.SharedData);
            Assert.Null(cache);
            Assert.Equal((40, 8, 12), (data.ImageCount(MultiLabelSplit.Train), data.ImageCount(MultiLabelSplit.Validation), data.ImageCount(MultiLabelSplit.Test)));
            Assert.Equal(7586, data.LabelCount(MultiLabelSplit.Test));
            Assert.Contains("openimages-names+stand-in-vectors", data.Description);
            var run = LesaExperiment.Run(c, new RunOptions(Path.Combine(_root, "runs-real")));
            Assert.Equal("Completed", run.Final.Stop);
            Assert.InRange(run.Final.Test["gzs/f1@20"], 0.0, 1.0);
            Assert.InRange(run.Final.Test["zs/map"], 0.0, 1.0);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable, old);
        }
    }
}
