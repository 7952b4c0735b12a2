// LesaAutocastBenchmarkTests.cs - opt-in timing (ZSLKIT_BENCH=1): one LESA training step (forward over 925 labels +
// LesaObjective + backward; M = 10, batch 32 of 196 x 512 regions, H = 512, no conv) in float32 and under CPU bf16
// autocast, alternately. Prints the timings (they go to docs/benchmarks.md, never into assertions); the counterpart
// for the PyTorch twin is tests/fixtures/autocast/bench_twin_autocast.py.
using System.Diagnostics;
using ZslKit.Losses;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments;

[Collection("torch-global-state")]
[Trait("Category", "Benchmark")]
public class LesaAutocastBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void Lesa_training_step_in_float32_and_under_cpu_bf16_autocast()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("ZSLKIT_BENCH") == "1", "set ZSLKIT_BENCH=1 to run timing benchmarks");
        torch.set_num_threads(2);
        torch.manual_seed(0);
        var config = new LesaConfig { Modules = 10, FeatureDim = 512, AttentionHidden = 512, WordDim = 300, GridHeight = 14, GridWidth = 14 };
        using var model = new LesaModel(config);
        using var scope = torch.NewDisposeScope();
        var feats = torch.randn(32, 196, 512);
        var vecs = torch.randn(925, 300);
        var labels = torch.where(torch.rand(32, 925).lt(0.01), torch.ones(32, 925), -torch.ones(32, 925));
        void Step(bool bf16)
        {
            using var s = torch.NewDisposeScope();
            foreach (var p in model.parameters()) p.grad = null;
            Tensor total;
            using (torch.autocast("cpu", torch.bfloat16, enabled: bf16))
                total = LesaObjective.Compute(model.forward(feats, vecs), labels, config).Total;
            total.backward();
        }
        foreach (var bf16 in new[] { false, true, false, true, false, true, false, true })
        {
            Step(bf16);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 3; i++) Step(bf16);
            output.WriteLine($"{(bf16 ? "bf16" : "fp32")} {sw.Elapsed.TotalMilliseconds / 3:F0} ms {DateTime.UtcNow:HH:mm:ss} load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
    }
}
