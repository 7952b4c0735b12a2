// ParityFixture.cs - test support for the PyTorch parity fixtures of tests/fixtures/lesa (safetensors written by
// gen_lesa.py / gen_baselines.py): tensors by name, a model's state dict by prefix, and the element-wise closeness check
// |Δ| ≤ tol·(1 + |reference|) shared by the parity tests.
using ZslKit.Testing;
using ZslKit.Torch;

namespace ZslKit.Tests.Models;

internal sealed class ParityFixture(string file)
{
    private readonly Lazy<Dictionary<string, Tensor>> _all = new(() =>
    {
        var all = torch.load_safetensors(RepoPaths.Fixture("lesa", file));
        foreach (var t in all.Values) t.DetachFromDisposeScope();   // shared by every test: owned by no scope
        return all;
    });

    public IReadOnlyDictionary<string, Tensor> All => _all.Value;

    public Tensor this[string name] =>
        _all.Value.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{file} has no tensor '{name}'");

    /// <summary>The tensors named "<paramref name="prefix"/>&lt;key&gt;" as a state dict keyed by &lt;key&gt;.</summary>
    public Dictionary<string, Tensor> StateDict(string prefix) =>
        _all.Value.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    /// <summary>Same shape and max |expected − actual| / (1 + |expected|) ≤ <paramref name="tolerance"/>.</summary>
    public static void Close(Tensor expected, Tensor actual, string what, double tolerance = 1e-5)
    {
        Assert.Equal(expected.shape, actual.shape);
        var e = expected.ToArray<float>();
        var a = actual.detach().ToArray<float>();
        double worst = 0;
        for (int i = 0; i < e.Length; i++) worst = Math.Max(worst, Math.Abs(e[i] - a[i]) / (1 + Math.Abs(e[i])));
        Assert.True(worst <= tolerance, $"{what}: max |Δ|/(1+|ref|) = {worst:g3} > {tolerance}");
    }
}
