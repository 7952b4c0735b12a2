// BenchmarkTests.cs - opt-in timing runs (ZSLKIT_BENCH=1): per-op call overhead and a LESA-sized training step (the
// same step as /work/shared/prototypes/libtorch-binding/bench_lesa.py, with Adam written with the in-place ops).
// They print timings (numbers go to docs/benchmarks.md, never into assertions) and check only that the step trains
// without leaking handles.
using System.Diagnostics;
using ZslKit.Torch;
using static ZslKit.Torch.torch;

namespace ZslKit.Torch.Tests;

[Collection("LiveTensorCounter")]
[Trait("Category", "Benchmark")]
public class BenchmarkTests(ITestOutputHelper output)
{
    private static bool Enabled => Environment.GetEnvironmentVariable("ZSLKIT_BENCH") == "1";

    [Fact]
    public void Per_op_overhead_on_one_element_tensors()
    {
        Skip.IfNot(Enabled, "set ZSLKIT_BENCH=1 to run timing benchmarks");
        using var a = ones(1);
        using var b = ones(1);
        const int n = 200_000;
        for (var i = 0; i < 2_000; i++) { using var c = a + b; }
        var before = LiveTensorCount;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) { using var c = a + b; }
        var disposeEach = sw.Elapsed.TotalMicroseconds / n;
        sw.Restart();
        for (var i = 0; i < n / 1000; i++)
        {
            using var scope = NewDisposeScope();
            for (var j = 0; j < 1000; j++) _ = a + b;
        }
        var inScope = sw.Elapsed.TotalMicroseconds / n;
        sw.Restart();
        for (var i = 0; i < n; i++) { using var c = a.detach(); }
        var newHandle = sw.Elapsed.TotalMicroseconds / n;
        sw.Restart();
        long total = 0;
        for (var i = 0; i < n; i++) total += a.numel();
        var query = sw.Elapsed.TotalMicroseconds / n;
        sw.Restart();
        for (var i = 0; i < n; i++) a.add_(b);
        var inPlace = sw.Elapsed.TotalMicroseconds / n;
        output.WriteLine($"a + b on 1-element tensors: {disposeEach:F2} us/op (using), {inScope:F2} us/op (in scopes of 1000); " +
                         $"a.add_(b) {inPlace:F2} us/op; a.detach() {newHandle:F2} us/op; a.numel() {query:F3} us/call; libtorch {LibTorchVersion}, threads {get_num_threads()}");
        Assert.Equal(n, total);
        Assert.Equal(before, LiveTensorCount);
    }

    [Fact]
    public void Lesa_sized_training_step()
    {
        Skip.IfNot(Enabled, "set ZSLKIT_BENCH=1 to run timing benchmarks");
        var threads = int.TryParse(Environment.GetEnvironmentVariable("ZSLKIT_BENCH_THREADS"), out var t) ? t : 0;
        if (threads > 0) set_num_threads(threads);
        manual_seed(1234);
        const long B = 32, R = 196, D = 512, M = 10, E = 300, C = 925, K = 3;
        using var x = randn(B, R, D);
        using var emb = randn(C, E);
        var ps = new List<Tensor>();
        using (no_grad())
        {
            ps.Add((randn(D, D) / Math.Sqrt(D)).DetachFromDisposeScope().requires_grad_());
            ps.Add((randn(D, M) / Math.Sqrt(D)).DetachFromDisposeScope().requires_grad_());
            ps.Add((randn(E, D) / Math.Sqrt(E)).DetachFromDisposeScope().requires_grad_());
        }
        var (w1, w2, w3) = (ps[0], ps[1], ps[2]);
        using var pos = rand(B, C).topk(K, 1).indexes;                  // (B, K) distinct random labels
        using var negMask = ones(B, C).scatter(1, pos, zeros(B, K));     // 1 for negative labels
        var m1 = ps.Select(zeros_like).ToList();
        var m2 = ps.Select(zeros_like).ToList();
        const double lr = 1e-4, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var stepCount = 0;

        float Step()
        {
            using var scope = NewDisposeScope();
            var hd = x.matmul(w1).tanh();                       // (B, R, D) @ (D, D) -> (B, R, D)
            var a = hd.matmul(w2).softmax(1);                   // (B, R, D) @ (D, M) -> (B, R, M)
            var f = a.transpose(1, 2).matmul(x);                // (B, M, R) @ (B, R, D) -> (B, M, D)
            var l = emb.matmul(w3);                             // (C, E) @ (E, D) -> (C, D)
            var s = f.matmul(l.transpose(0, 1));                // (B, M, D) @ (D, C) -> (B, M, C)
            var sMax = s.max(1).values;                         // (B, C)
            var sp = sMax.gather(1, pos);                       // (B, K)
            var margin = (1.0 - sp.unsqueeze(2)) + sMax.unsqueeze(1);   // (B, K, C)
            var loss = (margin.clamp_min(0) * negMask.unsqueeze(1)).sum() * (1.0 / B);
            foreach (var p in ps) p.grad = null;
            loss.backward();
            stepCount++;
            using (no_grad())
            {
                var bc1 = 1 - Math.Pow(b1, stepCount);
                var bc2 = 1 - Math.Pow(b2, stepCount);
                for (var i = 0; i < ps.Count; i++)
                {
                    var g = ps[i].grad!;
                    m1[i].mul_(b1).add_(g, alpha: 1 - b1);
                    m2[i].mul_(b2).addcmul_(g, g, value: 1 - b2);
                    var denom = (m2[i].sqrt() / Math.Sqrt(bc2)).add_(eps);
                    ps[i].addcdiv_(m1[i], denom, value: -lr / bc1);
                }
            }
            return loss.item<float>();
        }

        for (var i = 0; i < 3; i++) Step();
        var before = LiveTensorCount;
        var times = new List<double>();
        float first = float.NaN, last = float.NaN;
        for (var i = 0; i < 10; i++)
        {
            var sw = Stopwatch.StartNew();
            last = Step();
            times.Add(sw.Elapsed.TotalMilliseconds);
            if (i == 0) first = last;
        }
        times.Sort();
        output.WriteLine($"LESA-like step (B={B}, R={R}, D={D}, M={M}, C={C}): mean {times.Average():F1} ms, median {times[times.Count / 2]:F1} ms, " +
                         $"min {times[0]:F1} ms; loss {first:F3} -> {last:F3}; libtorch {LibTorchVersion}, threads {get_num_threads()}");
        Assert.True(last < first, $"loss did not decrease: {first} -> {last}");
        Assert.Equal(before, LiveTensorCount);
        foreach (var p in ps.Concat(m1).Concat(m2)) p.Dispose();
    }
}
