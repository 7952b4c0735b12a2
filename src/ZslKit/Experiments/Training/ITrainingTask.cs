// ITrainingTask.cs - what a method hands the model-agnostic trainer: its parameters, a batch source over the training
// split, a loss over a batch, and evaluation functions returning named metrics (computed with ZslKit.Metrics).
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Experiments.Training;

/// <summary>The parameters the trainer optimises, checkpoints and restores (an nn.Module adapter or a hand-written model).</summary>
public interface ITrainableModel
{
    /// <summary>Parameters by stable name (the names used in checkpoints); the same tensor objects on every call.</summary>
    IReadOnlyList<KeyValuePair<string, Tensor>> NamedParameters();

    /// <summary>Switches training-only behaviour (dropout, ...) on or off.</summary>
    void SetTraining(bool training);
}

/// <summary>Identifies the data a run saw, for provenance (the synthetic benchmarks and dataset readers implement it).</summary>
public interface IDatasetFingerprint
{
    /// <summary>A short human description ("NUS-WIDE 81 unseen labels", "synthetic-linear n=512 seed 0").</summary>
    string DatasetDescription { get; }

    /// <summary>A stable content fingerprint (e.g. a hash of the generator parameters or of the files); the same shape as
    /// the synthetic benchmarks' <c>Fingerprint</c> property.</summary>
    string Fingerprint { get; }
}

/// <summary>A method's training problem. Example indices 0..TrainingExamples-1 refer to the <em>training</em> split only;
/// the trainer holds some of them out for validation. The test split is only seen by <see cref="EvaluateTest"/>.</summary>
public interface ITrainingTask<TBatch>
{
    ITrainableModel Model { get; }

    /// <summary>Number of examples in the training split.</summary>
    int TrainingExamples { get; }

    /// <summary>The batch made of the given training examples.</summary>
    TBatch MakeBatch(int[] indices);

    /// <summary>The scalar training loss of a batch (with autograd history).</summary>
    Tensor Loss(TBatch batch);

    /// <summary>Named metrics over the given training-split examples (the held-out validation part); called under no_grad.</summary>
    IReadOnlyDictionary<string, double> Evaluate(int[] indices);

    /// <summary>Named metrics on the test split; called once, after model selection, under no_grad.</summary>
    IReadOnlyDictionary<string, double> EvaluateTest();

    /// <summary>The data's fingerprint for provenance (null when unknown).</summary>
    IDatasetFingerprint? Dataset { get; }
}

/// <summary>A task whose data comes with its own validation split (e.g. the first 5,000 NUS-WIDE training images, or a
/// synthetic benchmark's validation images): the trainer uses <see cref="HoldOut"/> instead of a seeded random hold-out, and
/// training.validationFraction is not used.</summary>
public interface IFixedHoldOut
{
    /// <summary>Fit and validation indices into 0..TrainingExamples-1.</summary>
    HoldOutSplit HoldOut { get; }
}

/// <summary>An optimiser's serialisable state: tensors (moment buffers, ...) and scalars (step counts, ...).</summary>
public sealed record OptimizerState(IReadOnlyDictionary<string, TensorData> Tensors, IReadOnlyDictionary<string, double> Scalars);

/// <summary>The optimiser surface the trainer uses (torch.optim shape: step, zero_grad, state_dict, load_state_dict, lr).</summary>
public interface ITrainerOptimizer
{
    /// <summary>The learning rate of every parameter group (schedules set it between epochs).</summary>
    double LearningRate { get; set; }

    void ZeroGrad();

    void Step();

    OptimizerState StateDict();

    void LoadStateDict(OptimizerState state);
}
