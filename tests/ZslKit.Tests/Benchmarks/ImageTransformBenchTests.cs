// ImageTransformBenchTests.cs - `zsl bench image-transform` in-process at a tiny size: registration, settings
// validation, one measurement per path with its images, and no tensor left behind. No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class ImageTransformBenchTests
{
    private static BenchContext Context(params string[] overrides)
    {
        var target = new ImageTransformBench();
        return new BenchContext(torch.CPU, new BenchRepetitions(Warmup: 1, Reps: 2),
            new BenchSettings(target.Name, target.Defaults, ["width=50", "height=37", "batch=3", "resize=26", "crop=24", .. overrides]),
            Threads: null, Twin: null, Log: _ => { });
    }

    [Fact]
    public void The_defaults_are_a_photo_sized_batch_of_64_at_the_imagenet_transform_and_the_target_has_no_twin()
    {
        var t = Assert.IsType<ImageTransformBench>(BenchRegistry.Find("image-transform"));
        var d = t.Defaults;
        Assert.Equal(("500", "375", "64", "256", "224"), (d["width"], d["height"], d["batch"], d["resize"], d["crop"]));
        Assert.False(t.HasTwin);
    }

    [Fact]
    public void A_run_measures_the_host_and_the_device_path_on_the_same_batch_and_frees_its_tensors()
    {
        long live = LiveTensorBaseline.Read();
        var result = new ImageTransformBench().Run(Context());
        Assert.Equal(live, torch.LiveTensorCount);
        Assert.Equal(2, result.Measurements.Count);
        Assert.StartsWith("host transform", result.Measurements[0].Name);
        Assert.StartsWith("device transform (cpu)", result.Measurements[1].Name);
        Assert.All(result.Measurements, m =>
        {
            Assert.Equal(3, m.ItemsPerRep);
            Assert.Contains("3 images of 50x37 -> Resize 26, CenterCrop 24", m.Name);
            Assert.Equal(2, m.Ours.Wall.Count);
        });
        Assert.True(result.Metrics["hostOverDeviceWall"] > 0);
    }

    [Fact]
    public void With_an_image_list_the_files_are_decoded_and_their_decoding_is_measured_first()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"zsl-imgbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var f in new[] { "photo.jpg", "wide.png", "tall.jpg" }) File.Copy(ZslKit.Testing.RepoPaths.Fixture("backbones", "images", f), Path.Combine(dir, f));
            var list = Path.Combine(dir, "list.txt");
            File.WriteAllLines(list, ["photo.jpg", "wide.png", "tall.jpg"]);
            var result = new ImageTransformBench().Run(Context($"list={list}"));
            Assert.Equal(["decode", "host transform", "device transform"], result.Measurements.Select(m => m.Name.Split(" (")[0]));
            Assert.Contains("3 images of list.txt -> Resize 26, CenterCrop 24", result.Measurements[2].Name);
            Assert.True(result.Metrics.ContainsKey("decodeCpuSecondsPerImage"));
            var e = Assert.Throws<ArgumentException>(() => new ImageTransformBench().Run(Context($"list={list}", "batch=4")));
            Assert.Contains("names 3 images, fewer than 'batch' (4)", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_batch_of_zero_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImageTransformBench().Run(Context("batch=0")));
        Assert.StartsWith("image-transform: setting 'batch' must be a positive", e.Message);
    }
}
