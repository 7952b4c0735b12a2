// LesaPrefetchTests.cs - LesaTask as an IPrefetchableTask: its host side gives the same batches as LesaBatches, and a tiny
// LESA config trained for 2 epochs has bit-identical step losses, validation metrics and parameters with the Trainer's
// batch prefetch on (features from the in-memory cache or generated per batch on the worker) and off, without leaking
// tensors.
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaPrefetchTests
{
    private static readonly LesaPreset Tiny = LesaTinyPreset.Tiny;

    private static ExperimentConfig Config() => LesaExperiment.Config(Tiny, "prefetch", "lesa", seed: 0, dataDir: "/nonexistent-zslkit-data");

    /// <summary>Trains the config's model from its seed with the given prefetch depth; returns the result, the parameters
    /// after training, the live-tensor change across Fit and the model's state_dict size.</summary>
    private static (TrainResult Result, float[] Params, long LiveChange, int StateTensors) Train(int depth, bool cached)
    {
        var c = Config();
        var (bench, cache) = LesaExperiment.Benchmark(c);
        torch.manual_seed(c.Seed);
        var model = LesaExperiment.CreateModel(c, bench);
        using var task = new LesaTask(model, bench, cached ? cache : null, c.TrainingOrDefault.BatchSize);
        var opt = Optimizers.Create(c.OptimizerOrDefault, model.Module.parameters());
        long live = LiveTensorBaseline.Read();
        TrainResult result;
        try { result = new Trainer<LesaBatch>(task, opt, c) { PrefetchDepth = depth }.Fit(); }
        finally { (opt as IDisposable)?.Dispose(); }
        long change = torch.LiveTensorCount - live;       // after the optimiser's state is freed
        using var scope = torch.NewDisposeScope();
        var values = task.Model.NamedParameters().SelectMany(p => p.Value.detach().ToArray<float>()).ToArray();
        return (result, values, change, model.Module.state_dict().Count);
    }

    [Fact]
    public void Lesa_step_losses_are_bit_identical_with_and_without_prefetch()
    {
        var off = Train(depth: 0, cached: true);
        var on = Train(depth: 2, cached: true);
        var onUncached = Train(depth: 2, cached: false);   // region features generated per batch on the worker thread
        Assert.Equal(2 * 7, off.Result.StepLosses.Count);  // 102 fit images / batch 16 -> 7 steps per epoch
        Assert.Equal(off.Result.StepLosses, on.Result.StepLosses);
        Assert.Equal(off.Result.StepLosses, onUncached.Result.StepLosses);
        Assert.Equal(off.Params, on.Params);
        Assert.Equal(off.Params, onUncached.Params);
        Assert.Equal(off.Result.History.Select(h => h.Validation["map"]), on.Result.History.Select(h => h.Validation["map"]));
        // The task keeps a snapshot of the last epoch's parameters (for "final/" test metrics); nothing else may stay alive.
        Assert.Equal(off.LiveChange, on.LiveChange);
        Assert.Equal(off.LiveChange, onUncached.LiveChange);
        Assert.Equal(off.StateTensors, off.LiveChange);
    }

    [Fact]
    public void The_host_side_of_a_lesa_batch_gives_the_same_tensors_as_LesaBatches()
    {
        var c = Config();
        var (bench, cache) = LesaExperiment.Benchmark(c);
        torch.manual_seed(0);
        // every column kept: a batch of 2 images can leave a column unannotated in both (LesaAnnotatedColumnsTests covers that)
        using var task = new LesaTask(LesaExperiment.CreateModel(c, bench), bench, cache, 16) { AnnotatedColumnsOnly = false };
        int train = bench.ImageCount(MultiLabelSplit.Train);
        int[] trainBatch = [5, 0, 77, 31], validationBatch = [train + 2, train];   // task indices; validation images follow training ones
        using var scope = torch.NewDisposeScope();
        foreach (var (indices, split, local) in new[] { (trainBatch, MultiLabelSplit.Train, trainBatch), (validationBatch, MultiLabelSplit.Validation, new[] { 2, 0 }) })
        {
            var host = task.MakeHostBatch(indices);
            Assert.Equal(indices, host.Indices);
            Assert.Equal([indices.Length, bench.RegionCount, bench.FeatureDim], host.Arrays[0].Shape);
            Assert.Equal([indices.Length, (long)bench.SeenCount], host.Arrays[1].Shape);
            var (x, y, p) = task.MakeBatch(host);
            var (ex, ey, ep) = LesaBatches.Batch(bench, split, local, cache: null);
            Assert.Equal(ep, p);                                                     // the same host-counted positives bound
            Assert.Equal(ex.shape, x.shape);
            Assert.Equal(ex.ToArray<float>(), x.ToArray<float>());
            Assert.Equal(ScalarType.Float32, y.dtype);
            Assert.Equal(ey.ToArray<float>(), y.ToArray<float>());
            var (sx, sy, _) = task.MakeBatch(indices);
            Assert.Equal(ex.ToArray<float>(), sx.ToArray<float>());
            Assert.Equal(ey.ToArray<float>(), sy.ToArray<float>());
        }
        Assert.Throws<ArgumentException>(() => task.MakeHostBatch([1, train + 1]));   // mixes training and validation images
    }
}
