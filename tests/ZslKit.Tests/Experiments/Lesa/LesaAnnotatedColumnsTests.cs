// LesaAnnotatedColumnsTests.cs - training on a batch's annotated label columns only (LesaTask.AnnotatedColumnsOnly,
// ILesaTrainable.SeparableLabelColumns): on a synthetic benchmark where most entries are unannotated, every separable
// Table 1 model gets the same loss and gradients from the K annotated columns as from all S; CONSE (a softmax over the
// seen classifier) always gets every column; a Trainer fit, eager and with (eager-replay) graph steps, follows the same
// loss trajectory either way; a dense benchmark keeps every column.
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaAnnotatedColumnsTests
{
    private static ExperimentConfig Config(string row) =>
        LesaExperiment.Config(LesaTinyPreset.Tiny, "columns", row, seed: 0, dataDir: "/nonexistent-zslkit-data");

    /// <summary>The tiny preset's benchmark with 90 % of training entries unannotated (a batch of 4 leaves ~2/3 of the
    /// columns empty, a batch of 16 ~1/5), or as it is (dense: 2 %).</summary>
    private static (MultiLabelBenchmark Bench, LesaFeatureCache Cache) Bench(bool sparse)
    {
        var bench = MultiLabelBenchmark.Create(LesaTinyPreset.Tiny.Benchmark with { UnannotatedRate = sparse ? 0.9 : 0.02 }, null);
        return (bench, new LesaFeatureCache(bench));
    }

    [Fact]
    public void Annotated_columns_are_those_with_a_plus_or_minus_one_in_some_row()
    {
        sbyte[] labels = [0, 1, 0, 0, /**/ 0, 0, -1, 0, /**/ 0, 1, 0, 0];   // 3 rows x 4 columns
        Assert.Equal([1, 2], AnnotatedColumns.Of(labels, 4));
        Assert.Equal(new sbyte[] { 1, 0, 0, -1, 1, 0 }, AnnotatedColumns.Select(labels, 4, [1, 2]));
        Assert.Empty(AnnotatedColumns.Of(new sbyte[8], 4));
        Assert.Contains("7 labels are not whole rows of 4 columns", Assert.Throws<ArgumentException>(() => AnnotatedColumns.Of(new sbyte[7], 4)).Message);
    }

    [Theory]
    [InlineData("lesa")]
    [InlineData("lesa-m1")]
    [InlineData("attention-per-label")]
    [InlineData("attention-per-cluster")]
    [InlineData("fast0tag")]
    [InlineData("labelem")]
    public void A_separable_model_gets_the_same_loss_and_gradients_from_the_annotated_columns_as_from_all(string row)
    {
        var c = Config(row);
        var (bench, cache) = Bench(sparse: true);
        torch.manual_seed(0);
        var model = LesaExperiment.CreateModel(c, bench);
        Assert.True(model.SeparableLabelColumns);
        using var task = new LesaTask(model, bench, cache, batchSize: 4);
        using var scope = torch.NewDisposeScope();
        int[] images = [0, 1, 2, 3];
        var subset = task.MakeBatch(images);
        var full = LesaBatches.Batch(bench, MultiLabelSplit.Train, images, cache);
        Assert.NotNull(subset.Columns);
        long k = subset.Columns!.size(0), s = bench.SeenCount;
        Assert.InRange(k, 1, s - 1);                                        // columns really were dropped
        Assert.Equal(new long[] { 4, k }, subset.Labels.shape);

        float[] Grads(Func<Tensor> loss, out double value)
        {
            foreach (var p in model.Module.parameters()) p.grad = null;
            var l = loss();
            value = l.item<float>();
            l.backward();
            var values = new List<float>();
            foreach (var p in model.Module.parameters())
            {
                using var g = p.grad;                                        // a new wrapper: disposed here, not left to a finalizer
                if (g is not null) values.AddRange(g.ToArray<float>());
            }
            return [.. values];
        }
        using var vectors = LesaBatches.LabelVectors(bench);
        var gk = Grads(() => task.Loss(subset), out var lossK);
        var gs = Grads(() => model.Loss(full.Features, full.Labels, vectors.narrow(0, 0, s), full.MaxPositives), out var lossS);
        Assert.True(Math.Abs(lossK - lossS) <= 1e-6 * (1 + Math.Abs(lossS)), $"{row}: loss over {k} columns {lossK:R}, over {s} {lossS:R}");
        Assert.Equal(gs.Length, gk.Length);
        double scale = gs.Max(Math.Abs);
        for (int i = 0; i < gs.Length; i++)
            Assert.True(Math.Abs(gk[i] - gs[i]) <= 1e-5 * (scale + 1e-12), $"{row}: gradient {i}: {gk[i]:R} from {k} columns, {gs[i]:R} from {s} (max |g| {scale})");
    }

    [Fact]
    public void Conse_and_dense_benchmarks_keep_every_column()
    {
        foreach (var (row, sparse) in new[] { ("conse", true), ("lesa", false) })
        {
            var c = Config(row);
            var (bench, cache) = Bench(sparse);
            torch.manual_seed(0);
            using var task = new LesaTask(LesaExperiment.CreateModel(c, bench), bench, cache, batchSize: 16);
            using var scope = torch.NewDisposeScope();
            var batch = task.MakeBatch(Enumerable.Range(0, 16).ToArray());
            Assert.Null(batch.Columns);
            Assert.Equal(bench.SeenCount, batch.Labels.size(1));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fit_on_annotated_columns_follows_the_all_column_loss_trajectory(bool graphSteps)
    {
        IReadOnlyList<double> Fit(bool annotatedOnly)
        {
            var c = Config("lesa");
            var (bench, cache) = Bench(sparse: true);
            torch.manual_seed(0);
            var model = LesaExperiment.CreateModel(c, bench);
            using var task = new LesaTask(model, bench, cache, c.TrainingOrDefault.BatchSize) { AnnotatedColumnsOnly = annotatedOnly };
            using (torch.NewDisposeScope())
                Assert.Equal(annotatedOnly, task.MakeBatch(Enumerable.Range(0, 16).ToArray()).Columns is not null);   // batches of 16 drop columns
            using var opt = Optimizers.Create(c.OptimizerOrDefault, model.Module.parameters());
            var trainer = new Trainer<LesaBatch>(task, opt, c) { GraphBackend = graphSteps ? EagerReplayStepGraphs.Instance : null };
            return trainer.Fit(cancellation: TestContext.Current.CancellationToken).StepLosses;
        }
        var all = Fit(false);
        var annotated = Fit(true);
        Assert.Equal(all.Count, annotated.Count);
        for (int i = 0; i < all.Count; i++)
            Assert.True(Math.Abs(all[i] - annotated[i]) <= 1e-5 * (1 + Math.Abs(all[i])), $"step {i + 1}: all columns {all[i]:R}, annotated columns {annotated[i]:R}");
    }
}
