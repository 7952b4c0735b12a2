// GpuTests.cs - device moves and a small training step on CUDA; skipped where torch.cuda.is_available() is false.
using ZslKit.Torch;
using static ZslKit.Torch.torch;

namespace ZslKit.Torch.Tests;

[Trait("Category", "GPU")]
public class GpuTests
{
    [SkippableFact]
    public void Tensors_move_to_cuda_and_back_with_their_values()
    {
        Skip.IfNot(cuda.is_available(), "CUDA is not available");
        using var scope = NewDisposeScope();
        var x = arange(6.0, 0.0, -1.0).reshape(2, 3);
        var g = x.cuda();
        Assert.Equal(DeviceType.CUDA, g.device.type);
        Assert.Equal(x.ToArray<float>(), g.cpu().ToArray<float>());
        Assert.Equal(x.ToArray<float>(), g.ToArray<float>());       // ToArray copies through the CPU
        var onDevice = zeros([2, 2], device: CUDA);
        Assert.True(onDevice.is_cuda);
        Assert.Equal(ScalarType.Float64, g.to(float64, CUDA).dtype);
        Assert.Throws<TorchException>(() => g + x);                   // mixing devices is a libtorch error, not a crash
    }

    [SkippableFact]
    public void A_small_training_step_on_cuda_reduces_the_loss_and_matches_the_cpu_step()
    {
        Skip.IfNot(cuda.is_available(), "CUDA is not available");
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var cpuNet = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3));
        using var gpuNet = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3));
        gpuNet.load_state_dict(cpuNet.state_dict());
        gpuNet.to(CUDA);
        Assert.All(gpuNet.parameters(), p => Assert.True(p.is_cuda));
        var x = randn(32, 8);
        var y = randint_like_labels(32, 3);
        float Step(Sequential net, Tensor input, Tensor target)
        {
            using var inner = NewDisposeScope();
            var loss = nn.functional.cross_entropy(net.call(input), target);
            net.zero_grad();
            loss.backward();
            using (no_grad())
                foreach (var p in net.parameters()) p.add_(p.grad!, alpha: -0.1);
            return loss.item<float>();
        }
        var cpu0 = Step(cpuNet, x, y);
        var gpu0 = Step(gpuNet, x.cuda(), y.cuda());
        Assert.Equal(cpu0, gpu0, 1e-4f);
        var gpu1 = Step(gpuNet, x.cuda(), y.cuda());
        Assert.True(gpu1 < gpu0, $"loss did not decrease: {gpu0} -> {gpu1}");
        cuda.synchronize();
    }

    private static Tensor randint_like_labels(long n, long classes) => (rand(n) * classes).to(int64).clamp(0, classes - 1);
}
