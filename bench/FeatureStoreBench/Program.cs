// Feature store throughput on a synthetic store: write, checksum verification, and shuffled prefetched batches.
//   dotnet run -c Release --project bench/FeatureStoreBench -- [items=2000] [batch=64] [dtype=fp16|fp32|both] [folder]
// Region-feature items are [196, 512] (LESA/BiAM). Reads right after writing hit the page cache; pass a folder on
// another disk and drop caches between runs to measure cold reads.
using System.Diagnostics;
using ZslKit.Data.FeatureStore;

var items = args.Length > 0 ? int.Parse(args[0]) : 2000;
var batch = args.Length > 1 ? int.Parse(args[1]) : 64;
var which = args.Length > 2 ? args[2] : "both";
var root = args.Length > 3 ? args[3] : Path.Combine(Path.GetTempPath(), "zsl-fs-bench-" + Environment.ProcessId);
int[] shape = [196, 512];
const int labels = 925;
var elements = shape[0] * shape[1];

Console.WriteLine($"# feature store benchmark: {items} items x [{string.Join(",", shape)}], {labels} int8 labels, batch {batch}");
Console.WriteLine($"# {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
foreach (var dtype in which == "both" ? new[] { FeatureDType.Fp16, FeatureDType.Fp32 } : [Enum.Parse<FeatureDType>(which, true)])
{
    var folder = Path.Combine(root, dtype.ToString().ToLowerInvariant());
    var rng = new Random(1);
    var item = new float[elements];
    for (var j = 0; j < elements; j++) item[j] = (float)rng.NextDouble();
    var lab = new sbyte[labels];

    var sw = Stopwatch.StartNew();
    using (var w = new FeatureStoreWriter(folder, new FeatureStoreOptions(shape, dtype, labels, ItemsPerChunk: 512)))
    {
        for (var i = 0; i < items; i++) { item[i % elements] += 1; w.Append(item, lab); }
        w.Complete();
    }
    var writeS = sw.Elapsed.TotalSeconds;
    var bytes = (double)items * elements * (dtype == FeatureDType.Fp16 ? 2 : 4);

    using var store = FeatureStore.Open(folder);
    sw.Restart();
    store.Verify();
    var verifyS = sw.Elapsed.TotalSeconds;

    // Shuffled batches, 3 epochs, consumer touches one value per row.
    var stream = store.Batches(batch, seed: 7, prefetch: 4);
    double sum = 0;
    long batches = 0;
    sw.Restart();
    for (var epoch = 0; epoch < 3; epoch++)
        foreach (var b in stream.Epoch(epoch))
            using (b) { sum += b.Features[0]; batches++; }
    var readS = sw.Elapsed.TotalSeconds;
    var outBytes = 3.0 * items * elements * 4;   // fp32 delivered to the caller

    Console.WriteLine($"{dtype}: stored {bytes / 1e9:F2} GB | write {bytes / writeS / 1e9:F2} GB/s | verify (CRC-32C) {bytes / verifyS / 1e9:F2} GB/s | " +
                      $"shuffled batches {batches / readS:F1} batches/s, {3.0 * items / readS:F0} items/s, {3.0 * bytes / readS / 1e9:F2} GB/s stored -> {outBytes / readS / 1e9:F2} GB/s fp32 delivered (checksum {sum:F1})");
}
Directory.Delete(root, recursive: true);
