// FeatureStoreStreamBench.cs - `zsl bench feature-store`: one epoch of seeded shuffled, prefetched batches from a feature
// store written to a temporary folder (warm page cache: reads follow the write). Items/s and GB/s of stored bytes.
namespace ZslKit.Benchmarks;

/// <summary>Times streaming a feature store.</summary>
public sealed class FeatureStoreStreamBench : IBenchTarget
{
    public string Name => "feature-store";
    public string Description => "Feature store streaming: one shuffled, prefetched epoch over a temporary store ([196, 512] fp16 items).";
    public bool HasTwin => false;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["items"] = "1024", ["grid"] = "14", ["dim"] = "512", ["labels"] = "925", ["dtype"] = "fp16", ["batch"] = "64", ["prefetch"] = "4", ["seed"] = "0",
    };

    public void Validate(BenchSettings settings, ZslKit.Torch.torch.Device device) => SyntheticFeatureStore.ParseDType(settings);

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        int items = s.Int("items"), grid = s.Int("grid"), dim = s.Int("dim"), batch = s.Int("batch");
        var dtype = SyntheticFeatureStore.ParseDType(s);
        context.Log($"feature-store: writing {items} items of [{grid * grid}, {dim}] {s.String("dtype")} to a temporary folder");
        using var store = new SyntheticFeatureStore(items, grid * grid, dim, s.Int("labels"), dtype, 0.01, s.Int("seed", 0));
        var stream = store.Store.Batches(batch, seed: s.Int("seed", 0), prefetch: s.Int("prefetch"));
        int epoch = 0;
        double checksum = 0;
        void Rep()
        {
            foreach (var b in stream.Epoch(epoch++))
                using (b) checksum += b.Features[0];                                             // touch the batch
        }
        var (ours, _) = BenchHarness.Measure(Rep, context.Repetitions, progress: context.Log);
        var m = new BenchMeasurement($"epoch of {items} items, batch {batch}", items, "items", ours, null);
        var metrics = new Dictionary<string, double>
        {
            ["storedGBPerSecond"] = store.FeatureBytes / ours.Wall.Median / 1e9,
            ["writeGBPerSecond"] = store.FeatureBytes / store.WriteSeconds / 1e9,
            ["checksum"] = checksum,
        };
        return new BenchTargetResult([m], metrics, ["warm reads: the store was just written, so its chunks are in the page cache"]);
    }
}
