// SyntheticFeatureStore.cs - writes a temporary feature store of random region features with ±1 labels (the real
// NUS-WIDE shapes by default: [196, 512] per image, 925 labels) for the streaming benchmarks, and deletes it afterwards.
using ZslKit.Data.FeatureStore;

namespace ZslKit.Benchmarks;

/// <summary>A synthetic feature store in a temporary folder; disposing deletes the folder.</summary>
public sealed class SyntheticFeatureStore : IDisposable
{
    public string Folder { get; }
    public FeatureStore Store { get; }

    /// <summary>Seconds the write took and bytes of feature data written.</summary>
    public double WriteSeconds { get; }
    public long FeatureBytes { get; }

    public SyntheticFeatureStore(int items, int regions, int dim, int labels, FeatureDType dtype, double positiveRate, int seed, string? parent = null)
    {
        Folder = Path.Combine(parent ?? Path.GetTempPath(), $"zsl-bench-store-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var rng = new Random(seed);
        var item = new float[regions * dim];
        var lab = new sbyte[labels];
        var sw = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using (var w = new FeatureStoreWriter(Folder, new FeatureStoreOptions([regions, dim], dtype, labels, ItemsPerChunk: 512)))
            {
                for (int i = 0; i < items; i++)
                {
                    for (int j = 0; j < item.Length; j++) item[j] = (float)(rng.NextDouble() * 2 - 1);
                    for (int j = 0; j < labels; j++) lab[j] = rng.NextDouble() < positiveRate ? (sbyte)1 : (sbyte)-1;
                    w.Append(item, lab);
                }
                w.Complete();
            }
            WriteSeconds = sw.Elapsed.TotalSeconds;
            FeatureBytes = (long)items * regions * dim * (dtype == FeatureDType.Fp16 ? 2 : 4);
            Store = FeatureStore.Open(Folder);
        }
        catch
        {
            TryDelete();
            throw;
        }
    }

    /// <summary>The 'dtype' setting: fp16 or fp32 (any case); anything else raises an error naming the target and the setting.</summary>
    public static FeatureDType ParseDType(BenchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.OneOf("dtype", ["fp16", "fp32"]) == "fp16" ? FeatureDType.Fp16 : FeatureDType.Fp32;
    }

    private void TryDelete()
    {
        try { if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    public void Dispose()
    {
        Store?.Dispose();
        TryDelete();
    }
}
