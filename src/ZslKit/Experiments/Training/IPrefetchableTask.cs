// IPrefetchableTask.cs - the optional capability of a training task to make its batches in two parts, so the Trainer can
// prepare the host part of later batches on a worker thread while the training thread runs the current step
// (BatchPrefetcher). Tasks without it keep the synchronous MakeBatch path.
namespace ZslKit.Experiments.Training;

/// <summary>A task whose <see cref="ITrainingTask{TBatch}.MakeBatch(int[])"/> splits into a thread-safe host part and a
/// device part. Contract: <c>MakeBatch(indices)</c> and <c>MakeBatch(MakeHostBatch(indices))</c> give equal batches, so the
/// loss trajectory does not depend on whether the trainer prefetches.</summary>
public interface IPrefetchableTask<TBatch> : ITrainingTask<TBatch>
{
    /// <summary>The host side of the batch of these training examples: plain arrays, no tensors. The trainer calls it on a
    /// worker thread, one call at a time and in batch order, while the training thread runs the steps of earlier batches
    /// (Loss, backward, optimiser); it must not use tensors, the model or torch's generator. It is never called while the
    /// trainer runs <see cref="ITrainingTask{TBatch}.Evaluate"/> or makes validation batches.</summary>
    HostBatch MakeHostBatch(int[] indices);

    /// <summary>The batch from its host side, on the training thread (<see cref="HostBatch.ToDevice"/> moves the arrays:
    /// pinned memory and non_blocking copies on CUDA). Tensors it makes belong to the current dispose scope.</summary>
    TBatch MakeBatch(HostBatch host);
}
