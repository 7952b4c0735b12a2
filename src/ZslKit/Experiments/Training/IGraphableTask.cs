// IGraphableTask.cs - the optional capability of a training task to run its loss from static device buffers, so the
// Trainer can capture one training step as a CUDA graph and replay it for every later full-size batch
// (training.cudaGraph; GraphSteps.cs). A replay reads the same tensors the capture read: new batches are copied into them.
using ZslKit.Torch;

namespace ZslKit.Experiments.Training;

/// <summary>A task whose training loss can be computed from fixed-shape buffers holding one full-size batch.</summary>
public interface IGraphableTask<TBatch> : ITrainingTask<TBatch>
{
    /// <summary>New static buffers for batches of <paramref name="batchSize"/> examples drawn from the training examples
    /// <paramref name="fitIndices"/> (the trainer's fit split). Anything the loss needs that varies per batch on the host
    /// (e.g. LESA's positives bound) must be fixed here for the whole split. The caller disposes the result.</summary>
    IStaticBatch<TBatch> CreateStaticBatch(int batchSize, int[] fitIndices);
}

/// <summary>Device buffers for one full-size batch and the loss computed from them.</summary>
public interface IStaticBatch<TBatch> : IDisposable
{
    /// <summary>Copies a full-size batch into the buffers in place (device copies only: no host read, no new buffers).</summary>
    void CopyFrom(TBatch batch);

    /// <summary>The scalar training loss over the buffers' current contents (with autograd history); the same operations
    /// every call, so it can be captured once and replayed.</summary>
    Tensor Loss();
}
