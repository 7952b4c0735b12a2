// ClosedFormWeights.cs - deterministic, closed-form weights that Python (tests/fixtures/backbones/gen_backbones.py)
// computes identically, so backbone parity against torchvision is checked without storing 550 MB of weights.
namespace ZslKit.Models.Backbones;

using ZslKit.Torch;

/// <summary>
/// u(name, i) = splitmix64 finaliser of (fnv1a64(name) + (i + 1) * 0x9E3779B97F4A7C15), top 53 bits / 2^53; v = 2u - 1.
/// running_mean 0.1v; running_var 1 + 0.25(v + 1); num_batches_tracked 0; 1-D weight 1 + 0.2v (x0.25 for "bn3");
/// >= 2-D weight v * sqrt(6 / fan_in); bias 0.1v. Computed in float64, rounded to float32.
/// </summary>
public static class ClosedFormWeights
{
    /// <summary>The values v = 2u - 1 for flat indices 0..count-1 of tensor <paramref name="name"/>.</summary>
    public static double[] Uniform(string name, long count)
    {
        var result = new double[count];
        var basis = Fnv1a64(name);
        for (long i = 0; i < count; i++) result[i] = V(basis, i);
        return result;
    }

    private static double V(ulong basis, long i)
    {
        var z = unchecked(basis + (ulong)(i + 1) * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) * 2.0 - 1.0;
    }

    /// <summary>The closed-form value of one state-dict entry as float32 (int64 zeros for num_batches_tracked).</summary>
    public static Tensor Value(string name, long[] shape)
    {
        var n = shape.Aggregate(1L, (a, d) => a * d);
        if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) return torch.zeros(shape, torch.int64);
        var basis = Fnv1a64(name);
        Func<double, double> f;
        if (name.EndsWith("running_mean", StringComparison.Ordinal)) f = x => 0.1 * x;
        else if (name.EndsWith("running_var", StringComparison.Ordinal)) f = x => 1.0 + 0.25 * (x + 1.0);
        else if (name.EndsWith("weight", StringComparison.Ordinal) && shape.Length == 1)
        {
            var s = name.EndsWith("bn3.weight", StringComparison.Ordinal) ? 0.25 : 1.0;
            f = x => (1.0 + 0.2 * x) * s;
        }
        else if (name.EndsWith("weight", StringComparison.Ordinal))
        {
            var bound = Math.Sqrt(6.0 / shape.Skip(1).Aggregate(1L, (a, d) => a * d));
            f = x => x * bound;
        }
        else if (name.EndsWith("bias", StringComparison.Ordinal)) f = x => 0.1 * x;
        else throw new ArgumentException($"no closed-form rule for '{name}'", nameof(name));
        var data = new float[n];
        for (long i = 0; i < n; i++) data[i] = (float)f(V(basis, i));
        return torch.tensor<float>(data.AsSpan(), shape);
    }

    /// <summary>Sets every parameter and buffer of <paramref name="module"/> to its closed-form value.</summary>
    public static void Apply(Module module)
    {
        using var scope = torch.NewDisposeScope();
        var values = module.state_dict().ToDictionary(kv => kv.Key, kv => Value(kv.Key, kv.Value.shape));
        module.load_state_dict(values);
    }

    /// <summary>The closed-form test input: 2v for tensor name "input".</summary>
    public static Tensor Input(long[] shape) =>
        torch.tensor<float>(Uniform("input", shape.Aggregate(1L, (a, d) => a * d)).Select(x => (float)(2.0 * x)).ToArray().AsSpan(), shape);

    private static ulong Fnv1a64(string name)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(name)) h = unchecked((h ^ b) * 0x100000001B3UL);
        return h;
    }
}
