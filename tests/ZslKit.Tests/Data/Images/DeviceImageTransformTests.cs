// DeviceImageTransformTests.cs - the image transform on the tensor engine's device (DeviceImageTransform) against the
// host transform (bit for bit) and against torchvision's reference values (tests/fixtures/backbones/gen_images.py).
namespace ZslKit.Tests.Data.Images;

using ZslKit.Benchmarks;
using ZslKit.Data.Images;
using ZslKit.Testing;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

public sealed class DeviceImageTransformTests
{
    private static readonly ImagePreprocessing Eval = new(Resize: 48, Crop: 40);

    private static string Image(string name) => RepoPaths.Fixture("backbones", "images", name);

    private static float[] OnCpu(ImagePreprocessing preprocessing, params RgbImage[] images)
    {
        using var transform = new DeviceImageTransform(preprocessing, torch.CPU);
        using var batch = transform.Batch(images);
        Assert.Equal(new long[] { images.Length, 3, preprocessing.Crop, preprocessing.Crop }, batch.shape);
        return batch.ToArray<float>();
    }

    private static RgbImage Random(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    private static void AssertBitEqual(float[] want, ReadOnlySpan<float> got, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (var i = 0; i < want.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(want[i]) == BitConverter.SingleToInt32Bits(got[i]), $"{what}[{i}]: device {got[i]:R}, host {want[i]:R}");
    }

    [Theory]
    [InlineData("wide.png")]
    [InlineData("photo.jpg")]
    [InlineData("gray.png")]
    [InlineData("alpha.png")]
    [InlineData("tall.jpg")]
    public void Device_transform_of_a_decoded_file_equals_the_host_transform_bit_for_bit_and_torchvision(string file)
    {
        var image = RgbImage.Load(Image(file));
        var got = OnCpu(Eval, image);
        AssertBitEqual(Eval.Apply(image), got, file);
        var reference = PthReader.Load(RepoPaths.Fixture("backbones", "images.pth"))[$"{file}/eval"];
        var want = new float[reference.NumElements];
        Buffer.BlockCopy(reference.Data, 0, want, 0, reference.Data.Length);
        for (var i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) <= 1e-6f, $"{file}[{i}]: {got[i]} vs torchvision {want[i]}");
    }

    [Theory]
    [InlineData(256, 224, 500, 375)]   // the ImageNet evaluation transform on a typical photo
    [InlineData(256, 224, 333, 500)]   // portrait
    [InlineData(448, 448, 500, 375)]   // SGMA's size: enlarging the shorter side, crop = resize
    [InlineData(64, 80, 300, 64)]      // shorter side already at the size: no resize, the crop pads the short side
    [InlineData(40, 32, 641, 17)]      // a large ratio
    [InlineData(16, 24, 9, 30)]        // smaller than the crop on both sides after resizing one
    public void Device_transform_equals_the_host_transform_bit_for_bit_for_random_pixels(int resize, int crop, int width, int height)
    {
        var preprocessing = new ImagePreprocessing(resize, crop);
        var images = new[] { Random(width, height, 1), Random(width, height, 2) };
        var got = OnCpu(preprocessing, images);
        int per = 3 * crop * crop;
        for (var i = 0; i < images.Length; i++) AssertBitEqual(preprocessing.Apply(images[i]), got.AsSpan(i * per, per), $"image {i}");
    }

    [Theory]
    [InlineData(0L)]                        // one image at a time (the CPU default)
    [InlineData(DeviceImageTransform.GroupBytes)]   // every 50x37 image in one group (the GPU default)
    [InlineData(2L * 50 * 37 * 3 * 8)]      // groups of two: the three 50x37 images split 2 + 1
    public void A_batch_mixing_sizes_keeps_the_order_and_equals_the_host_image_by_image(long groupBytes)
    {
        var images = new[] { Random(50, 37, 1), Random(37, 50, 2), Random(50, 37, 3), Random(50, 37, 4) };
        using var transform = new DeviceImageTransform(Eval, torch.CPU) { GroupBytesLimit = groupBytes };
        using var batch = transform.Batch(images);
        var got = batch.ToArray<float>();
        int per = 3 * Eval.Crop * Eval.Crop;
        for (var i = 0; i < images.Length; i++) AssertBitEqual(Eval.Apply(images[i]), got.AsSpan(i * per, per), $"image {i}");
    }

    [Fact]
    public void The_selftest_check_passes_on_the_cpu_and_reports_the_sizes_it_compared()
    {
        var detail = SelfTest.ImageTransformParity(torch.CPU);
        Assert.StartsWith("9 images (97x61, 53x130, 400x90, 31x37, 48x70, 20x44, 12x9, 97x61, 97x61)", detail);
        Assert.EndsWith("bit for bit", detail);
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void Device_transform_on_cuda_equals_the_host_transform_bit_for_bit()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        Assert.EndsWith("bit for bit", SelfTest.ImageTransformParity(torch.CUDA));
    }

    [Fact]
    public void Pixels_that_do_not_fill_the_image_size_are_refused_naming_both()
    {
        using var transform = new DeviceImageTransform(Eval, torch.CPU);
        var e = Assert.Throws<ArgumentException>(() => transform.Apply(new RgbImage(4, 3, new byte[30])));
        Assert.Contains("30 bytes for 4x3 RGB (needs 36)", e.Message);
        Assert.Throws<ArgumentException>(() => transform.Batch([]));
    }

    [Fact]
    public void Mean_or_std_without_three_values_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new DeviceImageTransform(Eval with { Mean = [0.5f] }, torch.CPU));
        Assert.Contains("mean and std need 3 values", e.Message);
    }

    [Fact]
    public void Resized_size_and_crop_window_follow_torchvision()
    {
        Assert.Equal((341, 256), ImagePreprocessing.ResizedSize(500, 375, 256));   // int(256 * 500 / 375) = 341
        Assert.Equal((256, 384), ImagePreprocessing.ResizedSize(256, 384, 256));   // shorter side already 256
        Assert.Equal((58, 224, 0), ImagePreprocessing.CropWindow(341, 224));      // round(58.5) = 58
        Assert.Equal((2, 2, 0), ImagePreprocessing.CropWindow(5, 2));             // round(1.5) = 2, half to even
        Assert.Equal((0, 5, 1), ImagePreprocessing.CropWindow(5, 8));             // pad (8 - 5) // 2 = 1 on the left
    }
}
