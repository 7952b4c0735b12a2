// PinnedMemoryTests.cs - page-locked host memory and asynchronous copies (ABI 9): Tensor.pin_memory(), is_pinned() and
// to(device, non_blocking: true). On the CPU: is_pinned is false, pin_memory fails with a TorchException that names CUDA
// (libtorch 1.13's own message names the wrong backend), non_blocking copies are ordinary copies. GPU-tagged: a pinned
// round trip and non_blocking copies to and from CUDA, compared after synchronize.
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Tests;

public class PinnedMemoryTests
{
    private static float[] Ramp(int n) => Enumerable.Range(0, n).Select(i => MathF.Sin(i * 0.37f) * 10 + i * 1e-3f).ToArray();

    [Fact]
    public void An_ordinary_cpu_tensor_is_not_pinned()
    {
        using var t = torch.tensor(Ramp(8));
        Assert.False(t.is_pinned());
        using var view = t.narrow(0, 2, 3);
        Assert.False(view.is_pinned());
    }

    [Fact]
    public void Is_pinned_of_a_null_handle_is_an_error_not_a_crash()
    {
        Assert.Equal(-1, NativeMethods.zsl_is_pinned(TensorHandle.Null));
        Assert.Contains("is_pinned: null tensor handle", NativeMethods.LastError());
    }

    [Fact]
    public void Pin_memory_without_cuda_throws_a_TorchException_that_names_cuda_and_leaks_no_handle()
    {
        Skip.If(torch.cuda.is_available(), "CUDA is available here: pinning succeeds");
        using var t = torch.tensor(Ramp(16));
        long live = torch.LiveTensorCount;
        var e = Assert.Throws<TorchException>(() => t.pin_memory());
        Assert.StartsWith("pin_memory: page-locked host memory needs CUDA", e.Message);
        Assert.Equal(live, torch.LiveTensorCount);
        Assert.Equal(Ramp(16), t.ToArray<float>());        // the source is untouched
    }

    [Fact]
    public void A_non_blocking_copy_on_the_cpu_is_an_ordinary_copy_with_equal_values()
    {
        using var scope = torch.NewDisposeScope();
        var src = torch.tensor(Ramp(1000)).reshape(10, 100);   // [1000] -> [10, 100]
        var copy = src.to(torch.CPU, copy: true, non_blocking: true);
        Assert.Equal(src.ToArray<float>(), copy.ToArray<float>());
        src.add_(1);                                           // separate storage: the copy keeps the old values
        Assert.Equal(Ramp(1000), copy.ToArray<float>());
        var doubles = src.to(ScalarType.Float64, torch.CPU, non_blocking: true);
        Assert.Equal(ScalarType.Float64, doubles.dtype);
        Assert.Equal(src.ToArray<float>().Select(v => (double)v), doubles.ToArray<double>());
    }

    [Fact]
    public void Zsl_to_with_non_blocking_reports_an_unknown_device_type_as_an_error()
    {
        using var t = torch.tensor(Ramp(4));
        Assert.Equal(IntPtr.Zero, NativeMethods.zsl_to(t.Handle, -1, 5, 0, 0, 1));
        Assert.Contains("to: unknown device type 5", NativeMethods.LastError());
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void A_pinned_round_trip_through_cuda_keeps_the_values()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        using var scope = torch.NewDisposeScope();
        var host = torch.tensor(Ramp(4096)).reshape(64, 64);   // [4096] -> [64, 64]
        var pinned = host.pin_memory();
        Assert.True(pinned.is_pinned());
        Assert.False(host.is_pinned());
        Assert.True(pinned.pin_memory().is_pinned());          // pinning a pinned tensor keeps it pinned
        Assert.Equal(host.ToArray<float>(), pinned.ToArray<float>());
        var onGpu = pinned.to(torch.CUDA, non_blocking: true);
        var back = onGpu.to(torch.CPU, non_blocking: true);
        torch.cuda.synchronize();
        Assert.Equal(host.ToArray<float>(), back.ToArray<float>());
        Assert.Throws<TorchException>(() => onGpu.pin_memory()); // only CPU tensors can be pinned
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void A_non_blocking_copy_then_synchronize_gives_equal_values_and_kernels_see_the_data()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        using var scope = torch.NewDisposeScope();
        var values = Ramp(1 << 20);                            // 4 MiB: large enough to be in flight when to() returns
        var pinned = torch.tensor(values).pin_memory();
        var gpu = pinned.to(torch.CUDA, non_blocking: true);
        var doubled = gpu * 2;                                 // same stream: runs after the copy
        var fromPageable = torch.tensor(values).to(ScalarType.Float64, torch.CUDA, non_blocking: true);
        torch.cuda.synchronize();
        Assert.Equal(values, gpu.cpu().ToArray<float>());
        Assert.Equal(values.Select(v => v * 2), doubled.cpu().ToArray<float>());
        Assert.Equal(values.Select(v => (double)v), fromPageable.cpu().ToArray<double>());
    }
}
