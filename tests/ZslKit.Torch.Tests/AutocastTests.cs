// AutocastTests.cs - torch.autocast scopes: dtypes inside and after, enabled: false, nesting, restore after exceptions,
// the cast cache cleared by the outermost exit, thread-locality, argument checks and misuse (wrong thread, wrong order).
// Values against PyTorch are in AutocastParityTests.cs.
using ZslKit.Torch;
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Tests;

public class AutocastTests
{
    // Deterministic operands without the global generator (other test classes seed it in parallel).
    private static Tensor Wave(long rows, long cols, double phase) =>
        (torch.arange(rows * cols).to(torch.float32) * 0.7 + phase).sin().reshape(rows, cols);   // [rows*cols] -> [rows, cols]

    private static (Tensor A, Tensor B) Operands() => (Wave(4, 8, 0.1), Wave(8, 5, 1.3));

    [Fact]
    public void Matmul_runs_in_bfloat16_inside_a_cpu_scope_and_in_float32_after_it()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = Operands();
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
        using (var ac = torch.autocast("cpu", torch.bfloat16))
        {
            Assert.True(torch.is_autocast_enabled("cpu"));
            Assert.Equal(ScalarType.BFloat16, ac.DType);
            Assert.Equal(ScalarType.BFloat16, a.mm(b).dtype);
            Assert.Equal(ScalarType.Float32, a.softmax(1).dtype);          // not on libtorch's CPU lists: unchanged
            Assert.Equal(ScalarType.Float32, a.dtype);                     // inputs are not changed in place
        }
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, a.mm(b).dtype);
        Assert.Equal(0, torch.autocast_depth());
    }

    [Fact]
    public void A_disabled_scope_inside_an_enabled_one_runs_float32_and_the_outer_scope_resumes_after_it()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = Operands();
        using (torch.autocast(DeviceType.CPU, torch.bfloat16))
        {
            using (var off = torch.autocast(DeviceType.CPU, enabled: false))
            {
                Assert.False(off.Enabled);
                Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
                Assert.Equal(ScalarType.Float32, a.mm(b).dtype);
            }
            Assert.True(torch.is_autocast_enabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, a.mm(b).dtype);
        }
    }

    [Fact]
    public void Nested_scopes_count_their_depth_and_the_outer_state_survives_the_inner_exit()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = Operands();
        using (var outer = torch.autocast("cpu", torch.bfloat16))
        {
            Assert.Equal(1, outer.Depth);
            using (var inner = torch.autocast("cpu"))                      // null dtype: keeps the outer bfloat16
            {
                Assert.Equal(2, inner.Depth);
                Assert.Equal(2, torch.autocast_depth());
                Assert.Equal(ScalarType.BFloat16, inner.DType);
                Assert.Equal(ScalarType.BFloat16, a.mm(b).dtype);
            }
            Assert.Equal(1, torch.autocast_depth());
            Assert.True(torch.is_autocast_enabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, a.mm(b).dtype);
        }
        Assert.Equal(0, torch.autocast_depth());
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
    }

    [Fact]
    public void Dispose_restores_the_previous_state_when_the_body_throws()
    {
        using var scope = torch.NewDisposeScope();
        var (a, _) = Operands();
        Assert.Throws<TorchException>(() =>
        {
            using (torch.autocast("cpu", torch.bfloat16))
                a.mm(a);                                                   // [4, 8]·[4, 8]: shape error inside the scope
        });
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
        Assert.Equal(0, torch.autocast_depth());
        Assert.Equal(ScalarType.Float32, a.mm(a.t()).dtype);
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var ac = torch.autocast("cpu", torch.bfloat16);
        ac.Dispose();
        ac.Dispose();
        Assert.Equal(0, torch.autocast_depth());
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
    }

    [Fact]
    public void The_cast_cache_of_a_leaf_weight_lives_until_the_outermost_scope_exits()
    {
        // libtorch caches the bfloat16 copy of a float32 leaf that requires grad for the whole outermost scope, as
        // PyTorch does; so an in-place update inside the scope is not seen there, and is seen once the cache is cleared.
        using var scope = torch.NewDisposeScope();
        var x = Wave(3, 4, 0.2);
        var w = Wave(4, 2, 0.9).clone().requires_grad_();                    // a leaf that is not a view: cacheable
        Tensor first;
        using (torch.autocast("cpu", torch.bfloat16))
        {
            first = x.mm(w);
            using (torch.no_grad()) w.add_(1.0);
            using (torch.autocast("cpu", torch.bfloat16)) { }               // an inner exit does not clear the cache
            Assert.Equal(first.to(torch.float32).ToArray<float>(), x.mm(w).to(torch.float32).ToArray<float>());
        }
        using (torch.autocast("cpu", torch.bfloat16))
            Assert.NotEqual(first.to(torch.float32).ToArray<float>(), x.mm(w).to(torch.float32).ToArray<float>());
    }

    [Fact]
    public void Autocast_is_per_thread()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = Operands();
        using (torch.autocast("cpu", torch.bfloat16))
        {
            (bool Enabled, ScalarType Type) other = default;
            var t = new Thread(() =>
            {
                using var s = torch.NewDisposeScope();
                other = (torch.is_autocast_enabled(DeviceType.CPU), a.mm(b).dtype);
            });
            t.Start();
            t.Join();
            Assert.Equal((false, ScalarType.Float32), other);
            Assert.Equal(ScalarType.BFloat16, a.mm(b).dtype);
        }
    }

    [Fact]
    public void Disposing_on_another_thread_is_refused_and_leaves_the_scope_open()
    {
        var ac = torch.autocast("cpu", torch.bfloat16);
        Exception? error = null;
        var t = new Thread(() => { try { ac.Dispose(); } catch (Exception e) { error = e; } });
        t.Start();
        t.Join();
        var e = Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("thread-local", e.Message);
        Assert.True(torch.is_autocast_enabled(DeviceType.CPU));
        ac.Dispose();
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
    }

    [Fact]
    public void Disposing_the_outer_scope_before_the_inner_one_is_refused()
    {
        var outer = torch.autocast("cpu", torch.bfloat16);
        var inner = torch.autocast("cpu", enabled: false);
        var e = Assert.Throws<TorchException>(() => outer.Dispose());
        Assert.Contains("reverse order", e.Message);
        inner.Dispose();
        Assert.True(torch.is_autocast_enabled(DeviceType.CPU));
        outer.Dispose();
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
        Assert.Equal(0, torch.autocast_depth());
    }

    [Fact]
    public void Float16_on_the_cpu_is_rejected_by_libtorch_1_x_with_a_clear_message()
    {
        Skip.If(torch.LibTorchVersion.Major >= 2, "libtorch 2.x accepts float16 CPU autocast");
        var e = Assert.Throws<ArgumentException>(() => torch.autocast("cpu", torch.float16));
        Assert.Contains("only bfloat16", e.Message);
        Assert.Contains(torch.LibTorchVersion.ToString(), e.Message);
        Assert.Equal(0, torch.autocast_depth());
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
    }

    [Fact]
    public void Bad_arguments_are_rejected_by_name()
    {
        var dtype = Assert.Throws<ArgumentException>(() => torch.autocast("cpu", torch.float32));
        Assert.Equal("dtype", dtype.ParamName);
        Assert.Contains("Float32", dtype.Message);
        var device = Assert.Throws<ArgumentException>(() => torch.autocast("tpu", torch.bfloat16));
        Assert.Equal("device_type", device.ParamName);
        Assert.Contains("'tpu'", device.Message);
        Assert.Throws<ArgumentException>(() => torch.autocast("cuda:0", torch.bfloat16));
        Assert.Equal(0, torch.autocast_depth());
    }

    [Fact]
    public void Enabled_cuda_autocast_without_cuda_throws_a_clear_error_and_a_disabled_one_is_allowed()
    {
        Skip.If(torch.cuda.is_available(), "CUDA is available here");
        var e = Assert.Throws<CudaUnavailableException>(() => torch.autocast("cuda", torch.bfloat16));
        Assert.Contains("CUDA is not available", e.Message);
        Assert.Equal(0, torch.autocast_depth());
        using (var off = torch.autocast("cuda", torch.bfloat16, enabled: false))
            Assert.False(torch.is_autocast_enabled(DeviceType.CUDA));
        Assert.Equal(0, torch.autocast_depth());
    }

    [Fact]
    public void The_shim_itself_refuses_cuda_without_cuda_float16_on_a_1_x_cpu_and_an_exit_without_enter()
    {
        // Below the C# checks: the C ABI reports errors with a message instead of crashing.
        Assert.NotEqual(0, NativeMethods.zsl_autocast_enter((int)DeviceType.CPU, (int)ScalarType.Float32, 1, out _));
        Assert.Contains("bfloat16 or float16", NativeMethods.LastError());
        var stray = new ZslAutocastState { DeviceType = 0, PrevEnabled = 0, PrevDtype = (int)ScalarType.BFloat16, Depth = 1 };
        Assert.NotEqual(0, NativeMethods.zsl_autocast_exit(in stray));
        Assert.Contains("autocast_exit: no autocast scope is open", NativeMethods.LastError());
        Assert.Equal(-1, NativeMethods.zsl_autocast_is_enabled(7));
        Assert.Contains("unknown device type 7", NativeMethods.LastError());
        if (torch.LibTorchVersion.Major < 2)
        {
            Assert.NotEqual(0, NativeMethods.zsl_autocast_enter((int)DeviceType.CPU, (int)ScalarType.Float16, 1, out _));
            Assert.Contains("only bfloat16 in libtorch 1.x", NativeMethods.LastError());
        }
        Assert.Equal(0, torch.autocast_depth());
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
        Skip.If(torch.cuda.is_available(), "CUDA is available here: the CUDA refusal cannot be checked");
        Assert.NotEqual(0, NativeMethods.zsl_autocast_enter((int)DeviceType.CUDA, (int)ScalarType.BFloat16, 1, out _));
        Assert.Contains("CUDA autocast requested, but CUDA is not available", NativeMethods.LastError());
        Assert.Equal(0, torch.autocast_depth());
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void Matmul_runs_in_bfloat16_inside_a_cuda_scope()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        using var scope = torch.NewDisposeScope();
        var (a, b) = Operands();
        var (ga, gb) = (a.cuda(), b.cuda());
        using (torch.autocast("cuda", torch.bfloat16))
        {
            Assert.True(torch.is_autocast_enabled(DeviceType.CUDA));
            Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, ga.mm(gb).dtype);
            Assert.Equal(ScalarType.Float32, a.mm(b).dtype);               // CPU tensors are not CUDA-autocast eligible
        }
        Assert.Equal(ScalarType.Float32, ga.mm(gb).dtype);
        var reference = a.mm(b).ToArray<float>();
        using (torch.autocast("cuda", torch.bfloat16))
        {
            var got = ga.mm(gb).to(torch.float32).ToArray<float>();
            for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - reference[i]) <= 2e-2 * (1 + Math.Abs(reference[i])), $"[{i}] {got[i]} vs {reference[i]}");
        }
    }
}
