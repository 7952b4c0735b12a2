// FeatureExtraction.cs - batched, resumable extraction of one backbone feature map for a list of images into feature
// stores (Data/FeatureStore): one write-once store per shard of the list, so an interrupted run resumes by skipping
// the shards that are complete. Corrupt or missing images are reported with their path and skipped. The next batch is
// decoded on CPU threads while the current one runs on the device; the transform runs on the host or, on a GPU, on
// the device (DeviceImageTransform, the same floats bit for bit).
namespace ZslKit.Models.Backbones;

using System.Text.Json;
using ZslKit.Data;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Images;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

/// <summary>Typed extraction settings (see docs/backbones.md).</summary>
public sealed record ExtractionOptions(string Model, string Layer, string ImageList, string OutFolder)
{
    /// <summary>torchvision state dict (.pth); null keeps torchvision's random init after torch.manual_seed(0) (benchmarks, tests).</summary>
    public string? Weights { get; init; }
    public int BatchSize { get; init; } = 64;
    /// <summary>Images per shard (one feature store each, the unit of resumption).</summary>
    public int ShardSize { get; init; } = 1024;
    public ImagePreprocessing Preprocessing { get; init; } = new();
    public FeatureDType DType { get; init; } = FeatureDType.Fp32;
    /// <summary>null: CUDA when available, else CPU.</summary>
    public torch.Device? Device { get; init; }
    /// <summary>Where Resize/CenterCrop/Normalize run; Auto: on the device when it is a GPU, else on host threads.</summary>
    public TransformLocation Transforms { get; init; } = TransformLocation.Auto;
}

/// <summary>Where <see cref="FeatureExtraction"/> runs the image transform (the features are the same either way).</summary>
public enum TransformLocation
{
    /// <summary>Device on CUDA, host on the CPU.</summary>
    Auto,
    /// <summary>Host threads, one image each (<see cref="ImagePreprocessing.Apply"/>).</summary>
    Host,
    /// <summary>The extraction device, from the decoded uint8 pixels (<see cref="DeviceImageTransform"/>).</summary>
    Device,
}

/// <summary>One image that could not be used, with the reason.</summary>
public sealed record SkippedImage(string Path, string Reason);

/// <summary>What a run did: shards written now, shards already complete, images stored, images skipped.</summary>
/// <param name="Device">Where the forward passes ran ("cpu", "cuda:0"; null when every shard was already complete).</param>
/// <param name="Transforms">Where the image transform ran (null when every shard was already complete).</param>
/// <param name="Seconds">Wall time of this run, model construction and loading included.</param>
public sealed record ExtractionSummary(int ShardsWritten, int ShardsAlreadyDone, long ImagesStored, IReadOnlyList<SkippedImage> Skipped,
    string? Device = null, TransformLocation? Transforms = null, double Seconds = 0);

/// <summary>Progress report: images processed (in this run, including skipped ones) out of those to process.</summary>
public readonly record struct ExtractionProgress(long Done, long Total, int Shard);

public static class FeatureExtraction
{
    /// <summary>File in the output folder recording model, layer and transform; a resume must use the same ones.</summary>
    public const string RunFile = "extraction.json";

    /// <summary>Folder of shard <paramref name="shard"/> inside the output folder.</summary>
    public static string ShardFolder(string outFolder, int shard) => Path.Combine(outFolder, $"shard-{shard:D5}");

    /// <summary>
    /// Reads the image list (one path per line, relative paths against the list's folder, blank lines ignored) and
    /// writes <c>shard-NNNNN</c> stores of the tapped map per image: (C, H, W) maps are stored region-major as
    /// [H*W, C] (LESA's layout), vectors as [C]. Store metadata: model, layer, first index and the image paths stored.
    /// </summary>
    public static ExtractionSummary Run(ExtractionOptions options, IProgress<ExtractionProgress>? progress = null, Backbone? model = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"batch size {options.BatchSize} must be positive");
        if (options.ShardSize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"shard size {options.ShardSize} must be positive");
        if (options.Preprocessing.Resize < 1 || options.Preprocessing.Crop < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"resize {options.Preprocessing.Resize} and crop {options.Preprocessing.Crop} must be positive");
        var images = ReadList(options.ImageList);
        if (images.Count == 0) throw new ArgumentException($"--images {options.ImageList}: no image paths", nameof(options));
        if (!Backbones.Names.Contains(options.Model) && model is null)
            throw new ArgumentException($"unknown backbone '{options.Model}'; known: {string.Join(", ", Backbones.Names)}", nameof(options));
        if (File.Exists(options.OutFolder)) throw new IOException($"--out {options.OutFolder} is a file, not a folder");
        // Settings differing from the folder's run file stop the run before the model is built.
        var run = RunSettings(options);
        var recorded = ReadRunFile(options, run);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var shards = (images.Count + options.ShardSize - 1) / options.ShardSize;
        var ownModel = model is null;
        if (ownModel && options.Weights is null) torch.manual_seed(0);   // the random init of runs without weights is repeatable
        model ??= Backbones.Create(options.Model);
        try
        {
            model.ResolveTap(options.Layer);   // an unknown layer fails before anything is written
            var todo = Enumerable.Range(0, shards).Where(s => !Directory.Exists(ShardFolder(options.OutFolder, s))).ToList();
            // Weights that will be used, or recorded in a new run file, are loaded (and so checked) before anything is written.
            if (ownModel && options.Weights is not null && (todo.Count > 0 || !recorded)) model.LoadPth(options.Weights);
            Directory.CreateDirectory(options.OutFolder);
            if (!recorded) WriteRunFile(options, run);
            var skipped = new List<SkippedImage>();
            long stored = 0;
            if (todo.Count == 0) return new ExtractionSummary(0, shards, 0, skipped, Seconds: clock.Elapsed.TotalSeconds);
            var device = options.Device ?? (torch.cuda.is_available() ? torch.CUDA : torch.CPU);
            if (ownModel) model.to(device);
            model.eval();
            model.SetTrainable(false);
            long total = todo.Sum(s => (long)Math.Min(options.ShardSize, images.Count - s * options.ShardSize)), done = 0;
            foreach (var shard in todo)
            {
                var first = shard * options.ShardSize;
                var paths = images.Skip(first).Take(options.ShardSize).ToList();
                var (count, shardSkipped) = WriteShard(options, model, device, shard, first, paths, n =>
                {
                    done += n;
                    progress?.Report(new ExtractionProgress(done, total, shard));
                }, cancel);
                stored += count;
                skipped.AddRange(shardSkipped);
            }
            return new ExtractionSummary(todo.Count, shards - todo.Count, stored, skipped, device.ToString(), ResolveTransforms(options, device),
                clock.Elapsed.TotalSeconds);
        }
        finally
        {
            if (ownModel) model.Dispose();
        }
    }

    /// <summary>Where the transform runs for <paramref name="options"/> on <paramref name="device"/>.</summary>
    public static TransformLocation ResolveTransforms(ExtractionOptions options, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        return options.Transforms == TransformLocation.Auto
            ? device.type == DeviceType.CUDA ? TransformLocation.Device : TransformLocation.Host
            : options.Transforms;
    }

    /// <summary>One batch read from disk: per image a transformed tensor's floats (host transform) or the decoded image
    /// (device transform), or the reason it was skipped.</summary>
    private sealed record PreparedBatch(List<string> Paths, float[]?[] Transformed, RgbImage?[] Decoded, string?[] Errors);

    /// <summary>Decodes (and with the host transform, transforms) a batch on CPU threads; never throws for a bad image.</summary>
    private static PreparedBatch Prepare(List<string> paths, ImagePreprocessing preprocessing, bool hostTransform)
    {
        var transformed = new float[]?[paths.Count];
        var decoded = new RgbImage?[paths.Count];
        var errors = new string?[paths.Count];
        Parallel.For(0, paths.Count, i =>
        {
            try
            {
                var image = RgbImage.Load(paths[i]);
                if (hostTransform) transformed[i] = preprocessing.Apply(image);
                else decoded[i] = image;
            }
            catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException) { errors[i] = e.Message; }
        });
        return new PreparedBatch(paths, transformed, decoded, errors);
    }

    private static (long count, List<SkippedImage> skipped) WriteShard(ExtractionOptions options, Backbone model, torch.Device device, int shard,
        int first, List<string> paths, Action<int> advance, CancellationToken cancel)
    {
        var skipped = new List<SkippedImage>();
        var kept = new List<string>();
        FeatureStoreWriter? writer = null;
        var meta = new Dictionary<string, string>();
        var location = ResolveTransforms(options, device);
        using var onDevice = location == TransformLocation.Device ? new DeviceImageTransform(options.Preprocessing, device) : null;
        var batches = paths.Chunk(options.BatchSize).Select(b => b.ToList()).ToList();
        Task<PreparedBatch> Start(int k) => Task.Run(() => Prepare(batches[k], options.Preprocessing, onDevice is null), CancellationToken.None);
        Task<PreparedBatch>? next = batches.Count > 0 ? Start(0) : null;
        try
        {
            for (var k = 0; k < batches.Count; k++)
            {
                cancel.ThrowIfCancellationRequested();
                var batch = next!.GetAwaiter().GetResult();
                next = k + 1 < batches.Count ? Start(k + 1) : null;   // decode the next batch while this one runs on the device
                var good = new List<int>();
                for (var i = 0; i < batch.Paths.Count; i++)
                {
                    if (batch.Errors[i] is null) { good.Add(i); kept.Add(batch.Paths[i]); }
                    else skipped.Add(new SkippedImage(batch.Paths[i], batch.Errors[i]!));
                }
                if (good.Count > 0)
                {
                    using var scope = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    var x = onDevice is null
                        ? options.Preprocessing.Batch(good.Select(i => batch.Transformed[i]!).ToList(), device)   // (n, 3, Crop, Crop)
                        : onDevice.Batch(good.Select(i => batch.Decoded[i]!).ToList());                            // (n, 3, Crop, Crop)
                    var map = model.Forward(x, [options.Layer])[options.Layer];
                    // (n, C, H, W) -> (n, H, W, C) -> (n, H*W, C): region-major rows; (n, C) stays.
                    var rows = map.ndim == 4 ? map.permute(0, 2, 3, 1).flatten(1, 2) : map.flatten(1);
                    var itemShape = rows.shape.Skip(1).Select(d => checked((int)d)).ToArray();
                    writer ??= new FeatureStoreWriter(ShardFolder(options.OutFolder, shard), new FeatureStoreOptions(itemShape, options.DType)
                    {
                        Metadata = meta,
                    });
                    var host = rows.cpu().contiguous().ToArray<float>();
                    var per = host.Length / good.Count;
                    for (var i = 0; i < good.Count; i++) writer.Append(host.AsSpan(i * per, per));
                }
                advance(batch.Paths.Count);
            }
            // A shard whose images were all skipped still gets an (empty, item shape [1]) store so that resume skips it.
            writer ??= new FeatureStoreWriter(ShardFolder(options.OutFolder, shard), new FeatureStoreOptions([1], options.DType) { Metadata = meta });
            var count = writer.Count;
            FillMetadata(meta, options, shard, first, kept, skipped);
            meta["transforms"] = location == TransformLocation.Device ? "device" : "host";
            writer.Complete();
            return (count, skipped);
        }
        finally
        {
            // A batch still decoding (after a failure or cancellation) finishes before the shard's writer goes away.
            if (next is not null) try { next.Wait(CancellationToken.None); } catch (AggregateException) { }
            writer?.Dispose();   // deletes the partial folder when not completed
        }
    }

    private static void FillMetadata(Dictionary<string, string> meta, ExtractionOptions options, int shard, int first, List<string> kept, List<SkippedImage> skipped)
    {
        meta["model"] = options.Model;
        meta["layer"] = options.Layer;
        meta["shard"] = shard.ToString(System.Globalization.CultureInfo.InvariantCulture);
        meta["first"] = first.ToString(System.Globalization.CultureInfo.InvariantCulture);
        meta["images"] = JsonSerializer.Serialize(kept);
        meta["skipped"] = JsonSerializer.Serialize(skipped.Select(s => new[] { s.Path, s.Reason }));
    }

    /// <summary>The image paths of a list file, resolved against the list's folder.</summary>
    public static List<string> ReadList(string listFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(listFile);
        if (!File.Exists(listFile)) throw new FileNotFoundException($"image list not found: {listFile}", listFile);
        var root = Path.GetDirectoryName(Path.GetFullPath(listFile))!;
        return File.ReadLines(listFile).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => Path.GetFullPath(l, root)).ToList();
    }

    /// <summary>The settings recorded in the run file, which a resume must repeat.</summary>
    private static Dictionary<string, string> RunSettings(ExtractionOptions o) => new()
    {
        ["model"] = o.Model, ["layer"] = o.Layer, ["weights"] = o.Weights is null ? "(random init)" : Path.GetFullPath(o.Weights),
        ["resize"] = o.Preprocessing.Resize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["crop"] = o.Preprocessing.Crop.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["shardSize"] = o.ShardSize.ToString(System.Globalization.CultureInfo.InvariantCulture), ["dtype"] = o.DType.ToString(),
        ["imageList"] = Path.GetFullPath(o.ImageList),
    };

    /// <summary>False when the output folder has no run file yet; true when it has one with <paramref name="run"/>'s
    /// settings; throws when its settings differ or it cannot be read.</summary>
    private static bool ReadRunFile(ExtractionOptions o, Dictionary<string, string> run)
    {
        var path = Path.Combine(o.OutFolder, RunFile);
        if (!File.Exists(path)) return false;
        Dictionary<string, string>? old;
        try { old = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DataFormatException(path, -1, $"not a `zsl extract` run file: {JsonErrorText.Describe(e)}", e); }
        if (old is null) throw new DataFormatException(path, 0, "empty run file");
        var diff = run.Where(kv => !old.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => $"{kv.Key}: '{(old.TryGetValue(kv.Key, out var v) ? v : "")}' -> '{kv.Value}'").ToList();
        if (diff.Count > 0)
            throw new InvalidOperationException($"{o.OutFolder} holds an extraction with other settings ({string.Join("; ", diff)}); use a new --out folder");
        return true;
    }

    private static void WriteRunFile(ExtractionOptions o, Dictionary<string, string> run) =>
        File.WriteAllText(Path.Combine(o.OutFolder, RunFile), JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true }));
}
