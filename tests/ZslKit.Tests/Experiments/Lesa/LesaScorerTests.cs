// LesaScorerTests.cs - evaluation scoring (LesaScorer) with and without scoring graphs: on the CPU through the eager-replay
// backend (the captured scoring runs again per replay on the static input), on a GPU (when present) through CUDA graphs.
// Graph passes give the eager pass's scores; full batches replay and the smaller last batch runs eagerly; an open autocast
// scope keeps scoring eager; scoring a split covers its images in order; LesaTask's evaluation with graphs gives the same
// test metrics; bad arguments name the sizes.
using ZslKit.Benchmarks;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaScorerTests
{
    private static (ILesaTrainable Model, ZslKit.Data.Datasets.IMultiLabelRegions Bench) Tiny()
    {
        var c = LesaExperiment.Config(LesaTinyPreset.Tiny, "scorer", "lesa", seed: 0, dataDir: "/nonexistent-zslkit-data");
        var (bench, _) = LesaExperiment.Benchmark(c);
        torch.manual_seed(0);
        return (LesaExperiment.CreateModel(c, bench), bench);
    }

    [Fact]
    public void Scoring_graph_replays_give_the_eager_scores_with_the_last_small_batch_eager()
    {
        var detail = SelfTest.CudaGraphEval(torch.CPU, EagerReplayStepGraphs.Instance);
        Assert.StartsWith("60 test images x ", detail);
        Assert.Contains("3 graph replays + 1 eager batch equal the eager pass", detail);
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void Cuda_graph_scoring_gives_the_eager_scores()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        Assert.Contains("3 graph replays + 1 eager batch equal the eager pass", SelfTest.CudaGraphEval(torch.CUDA));
    }

    /// <summary>Runs <paramref name="body"/> with a batch-4 scorer of the tiny model through the eager-replay backend and a
    /// function scoring test images into a new array.</summary>
    private static void WithGraphScorer(Action<LesaScorer, Func<int[], float[]>> body)
    {
        var (model, bench) = Tiny();
        using var _ = model;
        using var vectors = LesaBatches.LabelVectors(bench);
        using var scorer = new LesaScorer(model, vectors, 4, bench.RegionCount, bench.FeatureDim, torch.CPU, EagerReplayStepGraphs.Instance);
        body(scorer, images =>
        {
            var scores = new float[images.Length * scorer.Labels];
            scorer.Score(LesaBatches.Regions(bench, ZslKit.Data.Synthetic.MultiLabelSplit.Test, images), images.Length, scores);
            return scores;
        });
    }

    [Fact]
    public void Replays_read_the_static_input_so_each_batch_gets_its_own_scores() => WithGraphScorer((scorer, score) =>
    {
        Assert.NotEqual(score([0, 1, 2, 3]), score([4, 5, 6, 7]));
        Assert.Equal(new LesaScoringCounts(2, 0, null), scorer.Counts);
    });

    [Fact]
    public void An_open_autocast_scope_keeps_every_batch_eager_and_says_why() => WithGraphScorer((scorer, score) =>
    {
        using (torch.autocast(DeviceType.CPU, ScalarType.BFloat16)) score([0, 1, 2, 3]);
        Assert.Equal(new LesaScoringCounts(0, 1, "an autocast scope is open: scoring stays eager"), scorer.Counts);
    });

    [Fact]
    public void Bad_batch_sizes_and_buffers_name_the_sizes()
    {
        var (model, bench) = Tiny();
        using var _ = model;
        using var vectors = LesaBatches.LabelVectors(bench);
        long live = LiveTensorBaseline.Read();
        using (var scorer = new LesaScorer(model, vectors, 4, bench.RegionCount, bench.FeatureDim, torch.CPU))
        {
            int per = bench.RegionCount * bench.FeatureDim, c = scorer.Labels;
            Assert.Contains("a batch holds 1..4 images", Assert.Throws<ArgumentOutOfRangeException>(() => scorer.Score(new float[5 * per], 5, new float[5 * c])).Message);
            Assert.Contains($"{per} feature values for 2 images of [{bench.RegionCount}, {bench.FeatureDim}]",
                Assert.Throws<ArgumentException>(() => scorer.Score(new float[per], 2, new float[2 * c])).Message);
            Assert.Contains($"room for {c} scores, 2 images x {c} labels", Assert.Throws<ArgumentException>(() => scorer.Score(new float[2 * per], 2, new float[c])).Message);
        }
        Assert.Equal(live, torch.LiveTensorCount);
    }

    [Fact]
    public void Scoring_a_split_covers_every_image_in_order_and_refuses_a_benchmark_of_other_feature_shape()
    {
        var (model, bench) = Tiny();
        using var _ = model;
        using var vectors = LesaBatches.LabelVectors(bench);
        using var scorer = new LesaScorer(model, vectors, 16, bench.RegionCount, bench.FeatureDim, torch.CPU);
        var split = ZslKit.Data.Synthetic.MultiLabelSplit.Test;
        var all = scorer.ScoreSplit(bench, split);
        int n = bench.ImageCount(split), c = scorer.Labels;
        Assert.Equal(n * c, all.Length);
        var some = scorer.ScoreSplit(bench, split, [n - 1, 2]);                                    // any order, any count
        for (int j = 0; j < c; j++)                                                                // batch size changes the rounding only
        {
            Assert.Equal(all[(n - 1) * c + j], some[j], 1e-5f);
            Assert.Equal(all[2 * c + j], some[c + j], 1e-5f);
        }
        using var other = new LesaScorer(model, vectors, 16, bench.RegionCount + 1, bench.FeatureDim, torch.CPU);
        Assert.Contains($"features are [{bench.RegionCount}, {bench.FeatureDim}], the scorer takes [{bench.RegionCount + 1}, {bench.FeatureDim}]",
            Assert.Throws<ArgumentException>(() => other.ScoreSplit(bench, split)).Message);
    }

    [Fact]
    public void Task_evaluation_with_scoring_graphs_gives_the_eager_test_metrics_and_counts_its_replays()
    {
        IReadOnlyDictionary<string, double> Test(IStepGraphBackend? graphs, out LesaScoringCounts? counts)
        {
            var (model, bench) = Tiny();
            using var task = new LesaTask(model, bench, cache: null, batchSize: 16) { ScoringGraphs = graphs };
            var result = task.EvaluateTest();
            counts = task.LastScoring;
            return result;
        }
        var eager = Test(null, out var eagerCounts);
        var graphed = Test(EagerReplayStepGraphs.Instance, out var graphCounts);
        Assert.Equal(eager, graphed);
        Assert.Equal(new LesaScoringCounts(0, 4, null), eagerCounts);    // 60 test images: 3 batches of 16 + 12
        Assert.Equal(new LesaScoringCounts(3, 1, null), graphCounts);
    }
}
