// BenchGraph.cs - how the benchmarks capture a CUDA graph (lesa-step and lesa-infer with graph=on): a few eager runs of
// the work on a new graph's side stream (cuBLAS handles, optimiser state, allocator warm), then one captured run, which
// records its kernels without executing them; every replay rewrites the tensor that run returned.
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

internal static class BenchGraph
{
    /// <summary>Eager runs on the graph's stream before the capture.</summary>
    public const int WarmupRuns = 3;

    /// <summary>Runs <paramref name="work"/> <paramref name="warmup"/> times eagerly on a new graph's stream (each in its own
    /// dispose scope, its output passed to <paramref name="onWarmup"/>), then captures one run. Returns the graph and the
    /// captured run's output, in the caller's dispose scope; on failure the graph is disposed.</summary>
    public static (torch.cuda.CUDAGraph Graph, Tensor Output) Capture(torch.Device device, int warmup, Func<Tensor> work,
        Action<Tensor>? onWarmup = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        var graph = new torch.cuda.CUDAGraph(device.index);
        try
        {
            using (graph.side_stream())
                for (int i = 0; i < warmup; i++)
                {
                    using var scope = torch.NewDisposeScope();
                    var output = work();
                    onWarmup?.Invoke(output);
                }
            Tensor captured;
            using (torch.cuda.graph(graph)) captured = work();
            return (graph, captured);
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }
}
