using System.Runtime.InteropServices;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Training;
using ZslKit.Testing;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Tests.Experiments;

/// <summary>The trainer against a PyTorch 1.13 loop (tests/fixtures/experiments/gen_trainer_reference.py): same data, same
/// hold-out split and batch order, torch.optim.SGD with momentum, clip_grad_norm_ (max 0.2: clips 7 of the 16 steps),
/// selection on the validation loss.</summary>
[Collection("torch-global-state")]
public sealed class TrainerReferenceTests
{
    private static T[] Values<T>(TensorData d) where T : unmanaged => MemoryMarshal.Cast<byte, T>(d.Data).ToArray();

    [Fact]
    public void Trainer_reproduces_the_pytorch_reference_trajectory()
    {
        var f = SafeTensors.Read(RepoPaths.Fixture("experiments", "trainer_reference.safetensors")).Tensors;
        using var task = new TinyLinearTask(Values<float>(f["X"]), Values<float>(f["Y"]), 40, 4, 3, Values<float>(f["W0"]), Values<float>(f["b0"]));
        var config = new ExperimentConfig(Seed: 3,
            Optimizer: new OptimizerConfig("sgd", Lr: 0.3, Momentum: 0.9),
            Training: new TrainingConfig(Epochs: 4, BatchSize: 8, ValidationFraction: 0.25, SelectionMetric: "loss", Maximize: false, ClipGradNorm: 0.2));
        using var opt = Optimizers.Create(config.OptimizerOrDefault, task.NamedParameters().Select(p => p.Value));
        var r = new Trainer<(Tensor, Tensor)>(task, opt, config).Fit(cancellation: TestContext.Current.CancellationToken);

        var expectedLosses = Values<double>(f["step_losses"]);
        Assert.Equal(expectedLosses.Length, r.StepLosses.Count);            // 30 fit examples / 8 -> 4 steps × 4 epochs
        for (int i = 0; i < expectedLosses.Length; i++)
            Assert.True(Math.Abs(expectedLosses[i] - r.StepLosses[i]) <= 1e-5, $"step {i}: {r.StepLosses[i]} vs torch {expectedLosses[i]}");
        var expectedVal = Values<double>(f["val_losses"]);
        for (int e = 0; e < expectedVal.Length; e++)
            Assert.True(Math.Abs(expectedVal[e] - r.History[e].Validation["loss"]) <= 1e-5, $"epoch {e}: validation loss {r.History[e].Validation["loss"]} vs torch {expectedVal[e]}");
        Assert.Equal(Values<long>(f["best_epoch"])[0], r.BestEpoch);
        var expectedParams = Values<float>(f["W_best"]).Concat(Values<float>(f["b_best"])).ToArray();
        var actual = task.ParameterValues();
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(expectedParams[i] - actual[i]) <= 1e-5, $"parameter {i}: {actual[i]} vs torch {expectedParams[i]}");
    }
}
