// OptimFixture.cs - reads tests/fixtures/optim/optim.json (written by gen_optim.py, torch 1.13) and builds the small
// two-layer model the optimizer references were computed on.
using System.Text.Json;
using ZslKit.Testing;
using ZslKit.Torch.Optim;

namespace ZslKit.Torch.Tests.Optim;

internal static class OptimFixture
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("optim", "optim.json"))).RootElement);

    public static JsonElement Json => Root.Value;

    public static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static JsonElement Case(string section, string name) =>
        Json.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static IEnumerable<object[]> Names(string section) =>
        Json.GetProperty(section).EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    /// <summary>Fresh leaf parameters [W1 (5,4), b1 (4), W2 (4,3)] at the fixture's initial values, outside any scope.</summary>
    public static Tensor[] Parameters()
    {
        var j = Json;
        return
        [
            torch.tensor(Floats(j.GetProperty("w1")).AsSpan(), [5, 4], requires_grad: true).DetachFromDisposeScope(),
            torch.tensor(Floats(j.GetProperty("b1")).AsSpan(), [4], requires_grad: true).DetachFromDisposeScope(),
            torch.tensor(Floats(j.GetProperty("w2")).AsSpan(), [4, 3], requires_grad: true).DetachFromDisposeScope(),
        ];
    }

    public static (Tensor x, Tensor y) Data()
    {
        var j = Json;
        return (torch.tensor(Floats(j.GetProperty("x")).AsSpan(), [8, 5]).DetachFromDisposeScope(),
                torch.tensor(Floats(j.GetProperty("y")).AsSpan(), [8, 3]).DetachFromDisposeScope());
    }

    /// <summary>mean((tanh(x @ W1 + b1) @ W2 − y)²), the generator's loss, op for op.</summary>
    public static Tensor Loss(Tensor[] p, Tensor x, Tensor y) =>
        x.matmul(p[0]).add(p[1]).tanh().matmul(p[2]).sub(y).pow(2).mean();  // (8,5)@(5,4) -> (8,4); (8,4)@(4,3) -> (8,3)

    /// <summary>One training step in a dispose scope: zero_grad, forward, backward, step.</summary>
    public static void TrainStep(Optimizer opt, Tensor[] p, Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        opt.zero_grad();
        Loss(p, x, y).backward();
        opt.step();
    }

    /// <summary>Asserts that each parameter equals the reference values (flattened) within <paramref name="tol"/>.</summary>
    public static void AssertClose(JsonElement expected, Tensor[] p, double tol, string what)
    {
        var lists = expected.EnumerateArray().ToArray();
        Assert.Equal(p.Length, lists.Length);
        for (var i = 0; i < p.Length; i++)
        {
            var want = Floats(lists[i]);
            var got = p[i].ToArray<float>();
            Assert.Equal(want.Length, got.Length);
            for (var k = 0; k < want.Length; k++)
                if (Math.Abs(want[k] - got[k]) > tol)
                    Assert.Fail($"{what}: parameter {i} element {k}: expected {want[k]:R}, got {got[k]:R} (tolerance {tol})");
        }
    }

    public static void Dispose(params Tensor[] ts)
    {
        foreach (var t in ts) t.Dispose();
    }
}
