// ImageTransformBench.cs - `zsl bench image-transform` (issue #8): the evaluation transform (Resize -> CenterCrop ->
// Normalize) of a batch of decoded images, on host threads (ImagePreprocessing, as `zsl extract --transforms host`) and
// on the device (DeviceImageTransform, `--transforms device`), alternating in one run. Both end with the batch on the
// device. Random pixels of one size stand in for decoded photos (decoding is the same on both paths); with `list` the
// first `batch` images of an image list are decoded instead, and their decoding (host threads) is timed too.
using ZslKit.Data.Images;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Times the host and the device image transform on the same images (images/s per path).</summary>
public sealed class ImageTransformBench : IBenchTarget
{
    public string Name => "image-transform";
    public string Description => "Resize/CenterCrop/Normalize of a batch of decoded images: host threads vs the device (no twin).";
    public bool HasTwin => false;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["width"] = "500", ["height"] = "375", ["batch"] = "64", ["resize"] = "256", ["crop"] = "224", ["seed"] = "0", ["list"] = "",
    };

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        int width = s.Int("width"), height = s.Int("height"), batch = s.Int("batch"), seed = s.Int("seed", 0);
        var preprocessing = new ImagePreprocessing(s.Int("resize"), s.Int("crop"));
        var list = s.String("list");
        List<string> paths = [];
        if (list.Length > 0)
        {
            paths = Models.Backbones.FeatureExtraction.ReadList(list);
            if (paths.Count < batch) throw new ArgumentException($"image-transform: setting 'list' names {paths.Count} images, fewer than 'batch' ({batch})");
            paths = paths.Take(batch).ToList();
        }
        List<RgbImage> Decode()
        {
            var decoded = new RgbImage[batch];
            Parallel.For(0, batch, i => decoded[i] = RgbImage.Load(paths[i]));
            return [.. decoded];
        }
        var random = new Random(seed);
        var images = list.Length > 0 ? Decode() : Enumerable.Range(0, batch).Select(_ =>
        {
            var pixels = new byte[width * height * 3];
            random.NextBytes(pixels);
            return new RgbImage(width, height, pixels);
        }).ToList();
        using var onDevice = new DeviceImageTransform(preprocessing, context.Device);
        void Host()
        {
            var items = new float[batch][];
            Parallel.For(0, batch, i => items[i] = preprocessing.Apply(images[i]));
            using var x = preprocessing.Batch(items, context.Device);                 // (N, 3, Crop, Crop)
        }
        var clock = SystemBenchClock.Instance;
        BenchSample Device()
        {
            double w0 = clock.WallSeconds, c0 = clock.CpuSeconds;
            using (onDevice.Batch(images)) context.Sync();                              // (N, 3, Crop, Crop)
            return new BenchSample(clock.WallSeconds - w0, clock.CpuSeconds - c0);
        }
        var (host, device) = BenchHarness.Measure(Host, context.Repetitions, context.Sync, Device, progress: context.Log);
        var source = list.Length > 0 ? $"{batch} images of {Path.GetFileName(list)}" : $"{batch} images of {width}x{height}";
        var shape = $"{source} -> Resize {preprocessing.Resize}, CenterCrop {preprocessing.Crop}";
        var a = new BenchMeasurement($"host transform ({Environment.ProcessorCount} threads), {shape}", batch, "images", host, null);
        var b = new BenchMeasurement($"device transform ({context.Device}), {shape}", batch, "images", device!, null);
        var metrics = new Dictionary<string, double>
        {
            ["hostOverDeviceWall"] = host.Wall.Median / device!.Wall.Median,
            ["hostCpuSecondsPerImage"] = (host.Cpu?.Median ?? double.NaN) / batch,
            ["deviceCpuSecondsPerImage"] = (device.Cpu?.Median ?? double.NaN) / batch,
        };
        if (list.Length > 0)
        {
            var (decode, _) = BenchHarness.Measure(() => Decode(), context.Repetitions, progress: context.Log);
            metrics["decodeCpuSecondsPerImage"] = (decode.Cpu?.Median ?? double.NaN) / batch;
            return new BenchTargetResult([new BenchMeasurement($"decode ({Environment.ProcessorCount} threads), {source}", batch, "images", decode, null), a, b], metrics,
                ["decoding measured separately, then repetitions alternate the host and the device transform on the decoded images; " +
                 "hostOverDeviceWall > 1 means the device path was faster"]);
        }
        return new BenchTargetResult([a, b], metrics,
            ["repetitions alternate the host and the device transform on the same images; hostOverDeviceWall > 1 means the device path was faster; " +
             "CPU seconds per image are what each path leaves for decoding on the host"]);
    }
}
