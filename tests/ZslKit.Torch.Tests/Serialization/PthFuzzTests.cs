// Robustness of PthReader on damaged files: every truncation and a fixed-seed set of random byte mutations of the
// torch fixtures must either load or raise PthFormatException -- never another exception type, never hang.
using System.Diagnostics;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch.Tests.Serialization;

public class PthFuzzTests(ITestOutputHelper output)
{
    // Small enough that a mutated size or stride cannot make a test allocate much; the fixtures need < 1 KiB per tensor.
    private static readonly PthReadOptions Limits = new() { MaxTensorBytes = 1 << 20 };
    private static readonly TimeSpan PerLoad = TimeSpan.FromSeconds(10);

    /// <summary>Loads damaged bytes with <paramref name="load"/> (default <see cref="PthReader.LoadObject(Stream, string, PthReadOptions?)"/>);
    /// returns the outcome, failing the test on a foreign exception or a hang.</summary>
    internal static string LoadDamaged(byte[] bytes, string what, Func<Stream, string, PthReadOptions, object?>? load = null)
    {
        load ??= PthReader.LoadObject;
        var task = Task.Run(() =>
        {
            try
            {
                load(new MemoryStream(bytes, writable: false), what, Limits);
                return "loaded";
            }
            catch (PthFormatException)
            {
                return "rejected";
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name} instead of PthFormatException: {e}");
            }
        });
        if (!task.Wait(PerLoad)) throw new Xunit.Sdk.XunitException($"{what}: no result after {PerLoad.TotalSeconds} s");
        return task.Result;
    }

    [Theory]
    [InlineData("tiny_module.pth")]
    [InlineData("tiny_module.legacy.pth")]
    [InlineData("views.legacy.pth")]
    [InlineData("checkpoint.legacy.pth")]
    [InlineData("dtypes_p4.pth")]
    [InlineData("scalar_empty.legacy.pth")]
    public void Every_truncation_is_rejected_with_PthFormatException(string file)
    {
        var bytes = File.ReadAllBytes(PthExpected.Path(file));
        for (var cut = 0; cut < bytes.Length; cut++)
            Assert.Equal("rejected", LoadDamaged(bytes[..cut], $"{file} cut at {cut}"));
    }

    [Theory]
    [InlineData("tiny_module.pth", 300)]
    [InlineData("checkpoint.pth", 300)]
    [InlineData("tiny_module.legacy.pth", 600)]
    [InlineData("views.legacy.pth", 600)]
    [InlineData("checkpoint.legacy.pth", 600)]
    [InlineData("dtypes_p4.legacy.pth", 600)]
    public void Random_byte_mutations_only_ever_raise_PthFormatException(string file, int iterations)
    {
        var original = File.ReadAllBytes(PthExpected.Path(file));
        var rng = new Random(20261128);
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (var it = 0; it < iterations; it++)
        {
            var bytes = (byte[])original.Clone();
            var flips = rng.Next(1, 4);
            var at = new List<int>();
            for (var f = 0; f < flips; f++)
            {
                var pos = rng.Next(bytes.Length);
                bytes[pos] = (byte)rng.Next(256);
                at.Add(pos);
            }
            var outcome = LoadDamaged(bytes, $"{file} iteration {it}, bytes changed at {string.Join(",", at)}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine($"{file}: {string.Join(", ", outcomes.Select(o => $"{o.Value} {o.Key}"))} in {clock.ElapsedMilliseconds} ms");
        // The damage must actually be noticed in some iterations, or the loop proves nothing.
        Assert.True(outcomes.GetValueOrDefault("rejected") > iterations / 10, $"only {outcomes.GetValueOrDefault("rejected")} rejections");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"{iterations} loads took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("tiny_module.pth")]
    [InlineData("checkpoint.pth")]
    [InlineData("views_p5.pth")]
    public void Mutated_data_pkl_repacked_into_a_valid_zip_only_ever_raises_PthFormatException(string file)
    {
        // The zip CRC would catch most mutations before the unpickler sees them; re-packing exercises the unpickler.
        var original = File.ReadAllBytes(PthExpected.Path(file));
        var rng = new Random(7);
        var rejected = 0;
        for (var it = 0; it < 400; it++)
        {
            var damaged = PickleBytes.RewriteZip(original, (name, data) =>
            {
                if (!name.EndsWith("/data.pkl", StringComparison.Ordinal)) return data;
                var copy = (byte[])data.Clone();
                for (var f = rng.Next(1, 3); f > 0; f--) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
                return copy;
            });
            if (LoadDamaged(damaged, $"{file} data.pkl mutation {it}") == "rejected") rejected++;
        }
        output.WriteLine($"{file}: {rejected} of 400 mutated pickles rejected");
        Assert.True(rejected > 40, $"only {rejected} of 400 mutated pickles were rejected");
    }
}

/// <summary>The same robustness for bare numpy pickles (<see cref="PthReader.LoadPickle(Stream, string, PthReadOptions?)"/>).</summary>
public class NumpyPickleFuzzTests
{
    private static string LoadDamaged(byte[] bytes, string what) => PthFuzzTests.LoadDamaged(bytes, what, PthReader.LoadPickle);

    [Theory]
    [InlineData("w2v_p2.pkl")]
    [InlineData("w2v_p5.pkl")]
    [InlineData("mixed_p2.pkl")]
    [InlineData("mixed_p5.pkl")]
    public void Every_truncation_is_rejected_with_PthFormatException(string file)
    {
        var bytes = File.ReadAllBytes(ZslKit.Testing.RepoPaths.Fixture("pickle", file));
        for (var cut = 0; cut < bytes.Length; cut++)
            Assert.Equal("rejected", LoadDamaged(bytes[..cut], $"{file} cut at {cut}"));
    }

    [Theory]
    [InlineData("w2v_p3.pkl", 600)]
    [InlineData("mixed_p2.pkl", 600)]
    [InlineData("mixed_p5.pkl", 600)]
    public void Random_byte_mutations_only_ever_raise_PthFormatException(string file, int iterations)
    {
        var original = File.ReadAllBytes(ZslKit.Testing.RepoPaths.Fixture("pickle", file));
        var rng = new Random(20261128);
        int rejected = 0;
        for (int i = 0; i < iterations; i++)
        {
            var bytes = (byte[])original.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            if (LoadDamaged(bytes, $"{file} mutation {i}") == "rejected") rejected++;
        }
        Assert.True(rejected > 0, $"{file}: none of {iterations} mutations was rejected");
    }
}
