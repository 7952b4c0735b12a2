// GraphSteps.cs - the Trainer's graph step machinery (training.cudaGraph): full-size batches are copied into a task's
// static buffers (IGraphableTask); the first WarmupSteps of them run eagerly where the capture will run (CUDA: the graph's
// side stream) and are real training steps; the next one captures the step (zero_grad, loss from the static buffers,
// backward, gradient clipping, optimiser step) and replays it, and every later full-size batch is one replay. The learning
// rate is a constant inside the captured optimiser step, so when it changes the graph is disposed and a new one is warmed
// up and captured. Smaller batches (the last of an epoch) never come here: the Trainer runs them eagerly.
using ZslKit.Torch;

namespace ZslKit.Experiments.Training;

/// <summary>What the graph machinery did during one <see cref="Trainer{TBatch}.Fit"/>.</summary>
/// <param name="Backend">The step graph backend ("cuda", "eager-replay").</param>
/// <param name="WarmupSteps">Full-size steps run eagerly before a capture.</param>
/// <param name="Captures">Graphs captured (1 + one per learning-rate change followed by a full-size batch).</param>
/// <param name="Replays">Full-size steps run as a replay (each capture is followed by its first replay).</param>
/// <param name="EagerSteps">Steps run eagerly outside the machinery (smaller batches).</param>
public sealed record GraphStepCounts(string Backend, int WarmupSteps, int Captures, int Replays, int EagerSteps);

/// <summary>Runs full-size training steps through one <see cref="IStepGraph"/> at a time. Owns the static batch and the graph.</summary>
internal sealed class GraphSteps<TBatch> : IDisposable
{
    /// <summary>Eager steps on a new graph's stream before it is captured (cuBLAS handles, optimiser state, allocator).</summary>
    public const int WarmupSteps = 3;

    private readonly IStaticBatch<TBatch> _static;
    private readonly IStepGraphBackend _backend;
    private readonly torch.Device _device;
    private readonly Func<IStaticBatch<TBatch>, Tensor> _step;
    private readonly Func<double> _learningRate;
    private IStepGraph? _graph;
    private int _warmedUp;
    private double _capturedLr;
    private int _warmups, _captures, _replays, _eager;

    /// <param name="step">One training step whose loss comes from the static batch: zero_grad, loss, backward, clipping,
    /// optimiser step; returns the loss.</param>
    /// <param name="learningRate">The optimiser's current learning rate (a change forces a new capture).</param>
    public GraphSteps(IStaticBatch<TBatch> staticBatch, IStepGraphBackend backend, torch.Device device,
        Func<IStaticBatch<TBatch>, Tensor> step, Func<double> learningRate)
    {
        _static = staticBatch ?? throw new ArgumentNullException(nameof(staticBatch));
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _step = step ?? throw new ArgumentNullException(nameof(step));
        _learningRate = learningRate ?? throw new ArgumentNullException(nameof(learningRate));
    }

    public GraphStepCounts Counts => new(_backend.Name, _warmups, _captures, _replays, _eager);

    /// <summary>Counts a step the Trainer ran eagerly (a smaller batch).</summary>
    public void CountEager() => _eager++;

    /// <summary>One training step on a full-size batch; returns its loss as a detached scalar tensor in the current dispose scope.</summary>
    public Tensor Step(TBatch batch)
    {
        if (_graph is not null && _warmedUp > WarmupSteps && _learningRate() != _capturedLr) Release();   // lr baked into the graph
        _static.CopyFrom(batch);                              // on the current stream; the graph's stream waits for it
        _graph ??= _backend.Create(_device);
        if (_warmedUp < WarmupSteps)
        {
            Tensor loss;
            using (_graph.WarmupScope()) loss = _step(_static);
            _warmedUp++;
            _warmups++;
            using (torch.no_grad()) return loss.detach();
        }
        if (_warmedUp == WarmupSteps)
        {
            _capturedLr = _learningRate();
            _graph.Capture(() => _step(_static));            // recorded, not run: the replay below is this batch's step
            _warmedUp++;
            _captures++;
        }
        _graph.Replay();
        _replays++;
        using (torch.no_grad()) return _graph.Loss.clone();   // [] kept: the next replay overwrites the graph's loss
    }

    /// <summary>Disposes the current graph (the next full-size batch starts a new warm-up and capture).</summary>
    public void Release()
    {
        _graph?.Dispose();
        _graph = null;
        _warmedUp = 0;
    }

    public void Dispose()
    {
        Release();
        _static.Dispose();
    }
}
