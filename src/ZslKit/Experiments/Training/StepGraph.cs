// StepGraph.cs - capture/replay of one training step behind a small abstraction, so the Trainer's graph machinery
// (GraphSteps.cs) is the same on a GPU and in CPU tests: CudaStepGraphs records the step's kernels once as a CUDA graph
// (torch.cuda.CUDAGraph) and launches them again per replay; EagerReplayStepGraphs records the step delegate and runs it
// again per replay against the same static buffers (no speed-up; the semantics of a replay, testable without a GPU).
using ZslKit.Torch;

namespace ZslKit.Experiments.Training;

/// <summary>Creates step graphs for one device.</summary>
public interface IStepGraphBackend
{
    /// <summary>"cuda" or "eager-replay" (messages, benchmarks).</summary>
    string Name { get; }

    /// <summary>A new, empty graph for work on <paramref name="device"/>.</summary>
    IStepGraph Create(torch.Device device);
}

/// <summary>One captured training step.</summary>
public interface IStepGraph : IDisposable
{
    /// <summary>Runs the using block eagerly where the capture will run (CUDA: the graph's side stream); for warm-up steps.</summary>
    IDisposable WarmupScope();

    /// <summary>Records <paramref name="step"/> (it returns the step's scalar loss). After capture the step has NOT run:
    /// each <see cref="Replay"/> runs it once. Can be called once per graph.</summary>
    void Capture(Func<Tensor> step);

    /// <summary>Runs the captured step once.</summary>
    void Replay();

    /// <summary>The loss of the latest replay (a detached tensor owned by the graph; clone it to keep it across replays).</summary>
    Tensor Loss { get; }
}

/// <summary>CUDA graphs: capture on the graph's side stream after the caller's warm-up there; a replay is one launch.</summary>
public sealed class CudaStepGraphs : IStepGraphBackend
{
    public static CudaStepGraphs Instance { get; } = new();

    public string Name => "cuda";

    public IStepGraph Create(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CUDA)
            throw new ArgumentException($"CUDA graphs capture CUDA work; the device is '{device}'", nameof(device));
        return new Graph(new torch.cuda.CUDAGraph(device.index));
    }

    private sealed class Graph(torch.cuda.CUDAGraph graph) : IStepGraph
    {
        private Tensor? _loss;

        public IDisposable WarmupScope() => graph.side_stream();

        public void Capture(Func<Tensor> step)
        {
            ArgumentNullException.ThrowIfNull(step);
            if (_loss is not null) throw new InvalidOperationException("this step graph has already been captured");
            using var scope = torch.NewDisposeScope();   // the step's intermediates: their memory stays in the graph's pool
            Tensor loss;
            using (torch.cuda.graph(graph)) loss = step();
            using (torch.no_grad()) _loss = loss.detach().DetachFromDisposeScope();   // [] written by every replay
        }

        public void Replay() => graph.replay();

        public Tensor Loss => _loss ?? throw new InvalidOperationException("nothing captured yet");

        public void Dispose()
        {
            _loss?.Dispose();
            _loss = null;
            graph.Dispose();
        }
    }
}

/// <summary>Eager replay: the captured step delegate runs again at each replay, on the buffers it closes over.</summary>
public sealed class EagerReplayStepGraphs : IStepGraphBackend
{
    public static EagerReplayStepGraphs Instance { get; } = new();

    public string Name => "eager-replay";

    public IStepGraph Create(torch.Device device) => new Graph();

    private sealed class Graph : IStepGraph
    {
        private Func<Tensor>? _step;
        private Tensor? _loss;

        public IDisposable WarmupScope() => Nothing.Instance;

        public void Capture(Func<Tensor> step)
        {
            ArgumentNullException.ThrowIfNull(step);
            if (_step is not null) throw new InvalidOperationException("this step graph has already been captured");
            _step = step;
        }

        public void Replay()
        {
            var step = _step ?? throw new InvalidOperationException("nothing captured yet");
            using var scope = torch.NewDisposeScope();
            var loss = step();
            Tensor kept;
            using (torch.no_grad()) kept = loss.detach().DetachFromDisposeScope();
            _loss?.Dispose();
            _loss = kept;
        }

        public Tensor Loss => _loss ?? throw new InvalidOperationException("no replay yet");

        public void Dispose()
        {
            _loss?.Dispose();
            _loss = null;
            _step = null;
        }
    }

    private sealed class Nothing : IDisposable
    {
        public static Nothing Instance { get; } = new();
        public void Dispose() { }
    }
}
