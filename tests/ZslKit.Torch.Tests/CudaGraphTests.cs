// CudaGraphTests.cs - torch.cuda.CUDAGraph / torch.cuda.graph (ABI 10). Without CUDA: graphs are reported unavailable and
// constructing one raises CudaUnavailableException. GPU-tagged: a captured graph records without executing, each replay
// reruns the kernels on the same (static) tensors, capture off the graph's stream is refused, a second capture is refused.
namespace ZslKit.Torch.Tests;

public class CudaGraphTests
{
    private static void RequireCuda() => Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");

    [Fact]
    public void Without_cuda_graphs_are_unavailable_and_constructing_one_names_the_missing_device()
    {
        Skip.If(torch.cuda.is_available(), "CUDA is available here");
        Assert.False(torch.cuda.graphs_available());
        var e = Assert.Throws<CudaUnavailableException>(() => new torch.cuda.CUDAGraph());
        Assert.Contains("CUDA is not available", e.Message);
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void A_captured_graph_runs_only_on_replay_and_reads_its_static_input_each_time()
    {
        RequireCuda();
        Assert.True(torch.cuda.graphs_available());
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([4], device: torch.CUDA);                         // static input
        using var g = new torch.cuda.CUDAGraph();
        using (g.side_stream()) { _ = x * 2 + 1; }                            // warm-up on the graph's stream
        Tensor y;
        using (torch.cuda.graph(g)) y = x * 2 + 1;                            // recorded, not run
        Assert.True(g.IsCaptured);
        g.replay();
        Assert.Equal(new float[] { 3, 3, 3, 3 }, y.cpu().ToArray<float>());
        x.fill_(5);
        g.replay();
        Assert.Equal(new float[] { 11, 11, 11, 11 }, y.cpu().ToArray<float>());
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void Capture_off_the_graph_stream_and_a_second_capture_are_refused()
    {
        RequireCuda();
        using var scope = torch.NewDisposeScope();
        using var g = new torch.cuda.CUDAGraph();
        var e = Assert.Throws<TorchException>(() => g.capture_begin());
        Assert.Contains("stream_enter first", e.Message);
        Assert.Throws<TorchException>(() => g.replay());                      // nothing captured yet
        var x = torch.ones([2], device: torch.CUDA);
        using (torch.cuda.graph(g)) _ = x + 1;
        Assert.Throws<TorchException>(() => { using (torch.cuda.graph(g)) _ = x + 2; });
    }
}
