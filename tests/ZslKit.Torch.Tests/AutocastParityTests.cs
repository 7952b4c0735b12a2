// AutocastParityTests.cs - ops under CPU bfloat16 autocast against PyTorch 1.13 (fixture tests/fixtures/autocast/
// autocast.safetensors from gen_autocast.py): the output dtype must match exactly (it shows which autocast list the op
// is on), values and the float32 input gradients of (out.float() * w).sum() (backward outside the scope) to
// |a - b| <= 1e-2 * (1 + |b|), i.e. about two bfloat16 steps (bf16 keeps 8 significant bits, relative step 2^-7).
// Also enabled: false inside an enabled scope and nested scopes, against the same fixture.
using ZslKit.Testing;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch.Tests;

public class AutocastParityTests
{
    private const double Tol = 1e-2;

    private static readonly Lazy<Dictionary<string, Tensor>> Fixture = new(() =>
    {
        var all = torch.load_safetensors(RepoPaths.Fixture("autocast", "autocast.safetensors"));
        foreach (var t in all.Values) t.DetachFromDisposeScope();   // shared by every test: owned by no scope
        return all;
    });

    private static Tensor T(string name) =>
        Fixture.Value.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"autocast.safetensors has no tensor '{name}'");

    /// <summary>The C# side of every op case of gen_autocast.py, written as a user would.</summary>
    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Ops = new()
    {
        ["linear"] = x => F.linear(x[0], x[1], x[2]),
        ["matmul"] = x => x[0].matmul(x[1]),
        ["mm"] = x => x[0].mm(x[1]),
        ["bmm"] = x => x[0].bmm(x[1]),
        ["conv2d"] = x => F.conv2d(x[0], x[1], x[2], padding: (1, 1)),
        ["einsum"] = x => torch.einsum("brd,cd->brc", x[0], x[1]),
        ["softmax"] = x => x[0].softmax(1),
        ["softmax_bf16"] = x => x[0].softmax(1),
        ["log_softmax"] = x => x[0].log_softmax(1),
        ["layer_norm"] = x => F.layer_norm(x[0], [8], x[1], x[2]),
        ["linear_softmax"] = x => F.linear(x[0], x[1]).softmax(-1),
        ["bce_logits"] = x => F.binary_cross_entropy_with_logits(F.linear(x[0], x[1]), x[2]),
        ["mse_loss"] = x => F.mse_loss(F.linear(x[0], x[1]), x[2]),
        ["add_mixed"] = x => x[0].mm(x[1]) + x[2],
    };

    public static TheoryData<string> Cases => new(Ops.Keys);

    internal static double WorstError(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        var e = expected.to(torch.float32).ToArray<float>();
        var a = actual.detach().to(torch.float32).ToArray<float>();
        double worst = 0;
        for (int i = 0; i < e.Length; i++) worst = Math.Max(worst, Math.Abs(e[i] - a[i]) / (1 + Math.Abs(e[i])));
        return worst;
    }

    internal static void Close(Tensor expected, Tensor actual, string what, double tol = Tol)
    {
        Assert.True(expected.dtype == actual.dtype, $"{what}: dtype {actual.dtype}, PyTorch gives {expected.dtype}");
        var worst = WorstError(expected, actual);
        Assert.True(worst <= tol, $"{what}: max |Δ|/(1+|ref|) = {worst:g3} > {tol}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Op_under_cpu_bf16_autocast_matches_pytorch_in_dtype_values_and_gradients(string name)
    {
        using var scope = torch.NewDisposeScope();
        var inputs = new List<Tensor>();
        for (int i = 0; Fixture.Value.ContainsKey($"{name}/in{i}"); i++)
        {
            var x = T($"{name}/in{i}").clone();
            inputs.Add(Fixture.Value.ContainsKey($"{name}/grad{i}") ? x.requires_grad_() : x);
        }
        Tensor output;
        using (torch.autocast("cpu", torch.bfloat16))
            output = Ops[name]([.. inputs]);
        Close(T($"{name}/out"), output, $"{name} output");
        if (output.dtype == ScalarType.BFloat16 && inputs.All(x => x.dtype == ScalarType.Float32))   // the scope acted
            Assert.True(WorstError(T($"{name}/fp32"), output) > 0, $"{name}: bfloat16 output equals the float32 result");

        (output.to(torch.float32) * T($"{name}/w")).sum().backward();
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!Fixture.Value.ContainsKey($"{name}/grad{i}")) continue;
            var g = inputs[i].grad ?? throw new InvalidOperationException($"{name}: input {i} got no gradient");
            Close(T($"{name}/grad{i}"), g, $"{name} grad{i}");
        }
    }

    [Fact]
    public void A_disabled_scope_inside_an_enabled_one_matches_pytorch()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = (T("off/a"), T("off/b"));
        using (torch.autocast("cpu", torch.bfloat16))
        {
            Close(T("off/before"), a.mm(b), "before");
            using (torch.autocast("cpu", torch.bfloat16, enabled: false))
                Close(T("off/inside"), a.mm(b), "inside", tol: 1e-6);
            Close(T("off/after"), a.mm(b), "after");
        }
    }

    [Fact]
    public void Nested_scopes_match_pytorch_inside_between_and_after()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = (T("off/a"), T("off/b"));
        using (torch.autocast("cpu", torch.bfloat16))
        {
            using (torch.autocast("cpu", torch.bfloat16))
                Close(T("nest/inner"), a.mm(b), "inner");
            Close(T("nest/outer"), a.mm(b), "outer");
        }
        Close(T("nest/outside"), a.mm(b), "outside", tol: 1e-6);
    }
}
