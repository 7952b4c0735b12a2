// PrecisionTests.cs - the float32 precision switches (ABI 11): torch.set/get_float32_matmul_precision, the scope that
// restores it, torch.backends.cuda.matmul.allow_tf32 as "precision != highest", torch.backends.cudnn.allow_tf32 (default
// on), no effect on CPU matmuls; GPU-tagged: TF32 matmuls on CUDA differ from float32 ones by TF32 rounding only.
namespace ZslKit.Torch.Tests;

public class PrecisionTests
{
    [Fact]
    public void Matmul_precision_defaults_to_highest_round_trips_and_a_scope_restores_it()
    {
        Assert.Equal("highest", torch.get_float32_matmul_precision());
        try
        {
            torch.set_float32_matmul_precision("high");
            Assert.Equal("high", torch.get_float32_matmul_precision());
            Assert.True(torch.backends.cuda.matmul.allow_tf32);
            torch.backends.cuda.matmul.allow_tf32 = false;
            Assert.Equal("highest", torch.get_float32_matmul_precision());
            torch.backends.cuda.matmul.allow_tf32 = true;
            Assert.Equal("high", torch.get_float32_matmul_precision());
            using (torch.float32_matmul_precision_scope("medium"))
                Assert.Equal("medium", torch.get_float32_matmul_precision());
            Assert.Equal("high", torch.get_float32_matmul_precision());
            var e = Assert.Throws<ArgumentException>(() => torch.set_float32_matmul_precision("tf32"));
            Assert.Contains("'tf32' is not one of highest, high, medium", e.Message);
            Assert.Equal("high", torch.get_float32_matmul_precision());                // a refused value changes nothing
        }
        finally
        {
            torch.set_float32_matmul_precision("highest");
        }
    }

    [Fact]
    public void Cudnn_tf32_is_on_by_default_and_round_trips()
    {
        Assert.True(torch.backends.cudnn.allow_tf32);
        try
        {
            torch.backends.cudnn.allow_tf32 = false;
            Assert.False(torch.backends.cudnn.allow_tf32);
        }
        finally
        {
            torch.backends.cudnn.allow_tf32 = true;
        }
        Assert.True(torch.backends.cudnn.allow_tf32);
    }

    [Fact]
    public void Cpu_matmuls_are_bit_identical_under_every_precision_setting()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var a = torch.randn([64, 96]);
        var b = torch.randn([96, 48]);
        var reference = a.matmul(b).ToArray<float>();                            // [64, 96] @ [96, 48] -> [64, 48]
        foreach (var p in new[] { "high", "medium" })
            using (torch.float32_matmul_precision_scope(p))
                Assert.Equal(reference, a.matmul(b).ToArray<float>());           // [64, 48]
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void Tf32_matmuls_on_cuda_differ_from_float32_by_tf32_rounding_only()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var a = torch.randn([512, 512], device: torch.CUDA);
        var b = torch.randn([512, 512], device: torch.CUDA);
        var exact = a.matmul(b);                                                  // [512, 512] @ [512, 512] -> [512, 512]
        Tensor tf32;
        using (torch.float32_matmul_precision_scope("high")) tf32 = a.matmul(b);  // [512, 512]
        float diff = (tf32 - exact).abs().max().item<float>();
        float size = exact.abs().max().item<float>();
        Assert.True(diff > 0, "TF32 changed nothing: the matmul did not run on TF32 tensor cores");
        Assert.True(diff < 1e-2f * size, $"max |TF32 - float32| = {diff} against max |float32| = {size}: more than TF32 rounding");
    }
}
