using ZslKit.Experiments.Checkpoints;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Training;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments;

[Collection("torch-global-state")]
public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zslkit-trainer-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    internal static ExperimentConfig Config(int epochs = 4, int seed = 3, int patience = 0, string metric = "map", bool maximize = true,
        double? clip = null, double validation = 0.25, double lr = 0.5, double momentum = 0.9) => new()
    {
        Seed = seed,
        Optimizer = new OptimizerConfig(Lr: lr, Momentum: momentum),
        Training = new TrainingConfig(Epochs: epochs, BatchSize: 16, ValidationFraction: validation, SelectionMetric: metric,
            Maximize: maximize, Patience: patience, ClipGradNorm: clip),
    };

    /// <summary>Builds the task with torch seeded by the config (as ExperimentRunner does) and trains it.</summary>
    private static (TrainResult Result, float[] Params, TinyLinearTask Task) Train(ExperimentConfig config, string? folder = null, bool resume = false,
        double dropout = 0.2, int nanAt = 0)
    {
        torch.manual_seed(config.Seed);
        var task = new TinyLinearTask(dropout: dropout) { NanAtCall = nanAt };
        using var opt = new MomentumSgd(task.NamedParameters(), config.OptimizerOrDefault.Lr, config.OptimizerOrDefault.Momentum);
        var result = new Trainer<(Tensor, Tensor)>(task, opt, config).Fit(folder, resume);
        return (result, task.ParameterValues(), task);
    }

    [Fact]
    public void Training_twice_with_the_same_seed_gives_identical_losses_and_parameters()
    {
        var a = Train(Config());
        var b = Train(Config());
        Assert.Equal(4 * 5, a.Result.StepLosses.Count); // 72 fit examples / batch 16 -> 5 steps per epoch
        Assert.Equal(a.Result.StepLosses, b.Result.StepLosses);
        Assert.Equal(a.Params, b.Params);
        var c = Train(Config(seed: 4));
        Assert.NotEqual(a.Result.StepLosses, c.Result.StepLosses);
        a.Task.Dispose(); b.Task.Dispose(); c.Task.Dispose();
    }

    [Fact]
    public void Training_lowers_the_loss_of_the_tiny_problem()
    {
        var a = Train(Config(epochs: 6), dropout: 0);
        Assert.True(a.Result.History[^1].TrainLoss < 0.8 * a.Result.History[0].TrainLoss,
            $"train loss {a.Result.History[0].TrainLoss} -> {a.Result.History[^1].TrainLoss}");
        a.Task.Dispose();
    }

    [Fact]
    public void Resume_continues_the_exact_loss_trajectory_of_an_uninterrupted_run()
    {
        var full = Train(Config(epochs: 5));
        // Interrupted: 2 epochs with checkpoints, then a fresh model and optimiser resume to 5 epochs.
        var first = Train(Config(epochs: 2), _dir);
        Assert.Equal([1, 2], Checkpoint.List(_dir));
        var resumed = Train(Config(epochs: 5), _dir, resume: true);
        Assert.Equal(first.Result.StepLosses.Count, resumed.Result.FirstStep);
        Assert.Equal(first.Result.StepLosses, full.Result.StepLosses.Take(first.Result.StepLosses.Count));
        Assert.Equal(full.Result.StepLosses.Skip((int)resumed.Result.FirstStep), resumed.Result.StepLosses);
        Assert.Equal(full.Params, resumed.Params);
        Assert.Equal(full.Result.History.Select(h => h.TrainLoss), resumed.Result.History.Select(h => h.TrainLoss));
        Assert.Equal(full.Result.BestEpoch, resumed.Result.BestEpoch);
        full.Task.Dispose(); first.Task.Dispose(); resumed.Task.Dispose();
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_written_for_another_config()
    {
        Train(Config(epochs: 1), _dir).Task.Dispose();
        var e = Assert.Throws<InvalidOperationException>(() => Train(Config(epochs: 3, seed: 9), _dir, resume: true));
        Assert.Contains("only training.epochs may differ", e.Message);
    }

    [Fact]
    public void A_nan_loss_stops_training_with_a_clear_message_and_keeps_the_last_good_parameters()
    {
        // 96 training examples, 24 held out: each epoch makes 5 training loss calls (72 / 16) and 2 validation calls
        // (24 / 16), so loss call 2·7 + 3 is step 3 of epoch 3.
        var clean = Train(Config(epochs: 2));
        var nan = Train(Config(epochs: 4), _dir, nanAt: 2 * 7 + 3);
        Assert.Equal(StopReason.NonFiniteLoss, nan.Result.Stop);
        Assert.Contains("loss is NaN at epoch 3, step 3", nan.Result.Message);
        Assert.Contains("restored to the end of epoch 2", nan.Result.Message);
        Assert.Equal(2, nan.Result.History.Count);
        Assert.Equal(12, nan.Result.StepLosses.Count); // two finite steps of epoch 3 ran before the NaN
        Assert.Equal(clean.Result.StepLosses, nan.Result.StepLosses.Take(10));
        // The model holds the end-of-epoch-2 parameters, which are also the newest checkpoint's.
        var model = Checkpoint.LoadLatest(_dir)!;
        Assert.Equal(2, model.State.Epoch);
        var saved = model.Section(Checkpoint.ModelPrefix);
        Assert.Equal(saved["w"].Data.Concat(saved["b"].Data).ToArray(), nan.Params.SelectMany(BitConverter.GetBytes).ToArray());
        Assert.All(nan.Params, v => Assert.True(float.IsFinite(v)));
        clean.Task.Dispose(); nan.Task.Dispose();
    }

    [Fact]
    public void Validation_uses_held_out_training_examples_only_and_never_trains_on_them()
    {
        var r = Train(Config(epochs: 2));
        var task = r.Task;
        Assert.Equal(0, task.TestEvaluations);                   // the trainer never looks at the test split
        Assert.Equal(24, task.SeenInEvaluate.Count);             // round(0.25 · 96)
        Assert.Equal(72, task.SeenInTraining.Count);
        Assert.Empty(task.SeenInTraining.Intersect(task.SeenInEvaluate));
        task.Dispose();
    }

    [Fact]
    public void Model_selection_keeps_the_parameters_of_the_best_validation_epoch()
    {
        // Selecting on the validation loss with a large learning rate: the best epoch is not necessarily the last one;
        // whichever it is, the model must hold exactly the parameters saved as "best" in the final checkpoint.
        var r = Train(Config(epochs: 5, metric: "loss", maximize: false), _dir);
        var best = r.Result.History.MinBy(h => h.Validation["loss"])!;
        Assert.Equal(best.Epoch, r.Result.BestEpoch);
        var ckpt = Checkpoint.LoadLatest(_dir)!;
        var saved = ckpt.Section(Checkpoint.BestPrefix);
        var expected = saved["w"].Data.Concat(saved["b"].Data).ToArray();
        var actual = r.Params.SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal(expected, actual);
        r.Task.Dispose();
    }

    [Fact]
    public void Early_stopping_ends_training_after_patience_epochs_without_improvement()
    {
        // A metric that can only get worse after the first epoch: maximising the validation loss of a model that learns.
        var r = Train(Config(epochs: 8, metric: "loss", maximize: true, patience: 2, lr: 0.1, momentum: 0), dropout: 0);
        Assert.Equal(StopReason.EarlyStopped, r.Result.Stop);
        Assert.Equal(0, r.Result.BestEpoch);
        Assert.Equal(3, r.Result.History.Count);
        Assert.Contains("no better validation loss for 2 epochs", r.Result.Message);
        r.Task.Dispose();
    }

    [Fact]
    public void Gradient_clipping_bounds_the_global_gradient_norm()
    {
        torch.manual_seed(1);
        using var task = new TinyLinearTask();
        var ps = task.NamedParameters().Select(p => p.Value).ToList();
        using (torch.NewDisposeScope())
        {
            task.Loss(task.MakeBatch(Enumerable.Range(0, 32).ToArray())).backward();
        }
        double Norm() => Math.Sqrt(ps.Sum(p => { using var g = p.grad!; using var n = g.norm(); return Math.Pow(n.item<float>(), 2); }));
        var before = Norm();
        Assert.True(before > 0.05, $"gradient norm {before}");
        using var reported = GradClip.ClipGradNorm(ps, before / 4);
        Assert.Equal(before, reported.item<double>(), 4);
        Assert.Equal(before / 4, Norm(), 4);
        // Below the bound nothing changes.
        var kept = ps.Select(p => { using var g = p.grad!; return g.ToArray<float>(); }).ToList();
        using var again = GradClip.ClipGradNorm(ps, before);
        Assert.Equal(before / 4, again.item<double>(), 4);
        Assert.Equal(kept, ps.Select(p => { using var g = p.grad!; return g.ToArray<float>(); }).ToList());
    }

    [Fact]
    public void Gradient_clipping_reads_nothing_back_to_the_host()
    {
        torch.manual_seed(1);
        using var task = new TinyLinearTask();
        var ps = task.NamedParameters().Select(p => p.Value).ToList();
        using (torch.NewDisposeScope()) task.Loss(task.MakeBatch(Enumerable.Range(0, 32).ToArray())).backward();
        long before = torch.HostReads;
        using var norm = GradClip.ClipGradNorm(ps, 1e-3);
        Assert.Equal(before, torch.HostReads);
        Assert.Equal(ScalarType.Float64, norm.dtype);
    }

    [Fact]
    public void Training_reads_the_step_losses_back_in_groups_of_sixteen_not_once_per_step()
    {
        // 640 examples, no validation, batch 16: 40 steps per epoch -> reads after steps 16, 32 and 40 (the epoch's last).
        torch.manual_seed(5);
        using var task = new TinyLinearTask(n: 640);
        var config = Config(epochs: 2, validation: 0, clip: 1.0);
        using var opt = new MomentumSgd(task.NamedParameters(), config.OptimizerOrDefault.Lr, config.OptimizerOrDefault.Momentum);
        long before = torch.HostReads;
        var result = new Trainer<(Tensor, Tensor)>(task, opt, config).Fit(cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(2 * 3, torch.HostReads - before);
        Assert.Equal(80, result.StepLosses.Count);
        Assert.All(result.StepLosses, v => Assert.True(double.IsFinite(v) && v > 0, $"step loss {v}"));
    }
}
