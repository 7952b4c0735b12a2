// ImagePipelineTests.cs - JPEG/PNG decoding and torchvision's Resize/CenterCrop/ToTensor/Normalize against PIL +
// torchvision 0.14 reference values (tests/fixtures/backbones/gen_images.py), and corrupt-file errors.
namespace ZslKit.Tests.Data.Images;

using ZslKit.Data;
using ZslKit.Data.Images;
using ZslKit.Testing;
using ZslKit.Torch.Serialization;

public sealed class ImagePipelineTests
{
    private static readonly IReadOnlyDictionary<string, TensorData> Reference = PthReader.Load(RepoPaths.Fixture("backbones", "images.pth"));

    private static string Image(string name) => RepoPaths.Fixture("backbones", "images", name);

    public static TheoryData<string> Files => new() { "wide.png", "photo.jpg", "gray.png", "alpha.png", "tall.jpg" };

    private static void AssertPixels(TensorData expected, RgbImage actual, string what)
    {
        Assert.Equal(expected.Shape, new long[] { actual.Height, actual.Width, 3 });
        Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Pixels), $"{what}: pixels differ from PIL's " +
            $"(first at byte {expected.Data.AsSpan().CommonPrefixLength(actual.Pixels)})");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Decoding_gives_the_same_RGB_bytes_as_PIL(string file) =>
        AssertPixels(Reference[$"{file}/rgb"], RgbImage.Load(Image(file)), file);

    [Theory]
    [MemberData(nameof(Files))]
    public void Resize_of_the_shorter_side_equals_torchvision_on_PIL_exactly(string file) =>
        AssertPixels(Reference[$"{file}/resize"], ImagePreprocessing.ResizeShorter(RgbImage.Load(Image(file)), 48), file);

    [Theory]
    [MemberData(nameof(Files))]
    public void Evaluation_transform_equals_torchvision_compose(string file)
    {
        var expected = Reference[$"{file}/eval"];
        Assert.Equal(new long[] { 3, 40, 40 }, expected.Shape);
        var want = new float[expected.NumElements];
        Buffer.BlockCopy(expected.Data, 0, want, 0, expected.Data.Length);
        var got = new ImagePreprocessing(Resize: 48, Crop: 40).Apply(RgbImage.Load(Image(file)));
        Assert.Equal(want.Length, got.Length);
        for (var i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) <= 1e-6f, $"{file}[{i}]: {got[i]} vs {want[i]}");
    }

    [Theory]
    [InlineData(256, 224, 500, 375)]
    [InlineData(256, 224, 333, 500)]
    [InlineData(448, 448, 500, 375)]
    [InlineData(64, 80, 300, 64)]
    [InlineData(40, 32, 641, 17)]
    [InlineData(16, 24, 9, 30)]
    public void Apply_computes_only_the_cropped_window_and_equals_resizing_the_whole_image_then_cropping(int resize, int crop, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        new Random(width * 31 + height).NextBytes(pixels);
        var image = new RgbImage(width, height, pixels);
        var preprocessing = new ImagePreprocessing(resize, crop);
        var whole = ImagePreprocessing.CenterCrop(ImagePreprocessing.ResizeShorter(image, resize), crop);   // the full resize, then the crop
        var want = new float[3 * crop * crop];
        preprocessing.Normalize(whole, want);
        Assert.Equal(want, preprocessing.Apply(image));
    }

    [Fact]
    public void CenterCrop_rounds_half_to_even_and_pads_small_images_with_zeros()
    {
        // 5 wide, crop 2: offset round(1.5) = 2 (Python's round), not 1.
        var px = Enumerable.Range(0, 5 * 1 * 3).Select(i => (byte)(i + 1)).ToArray();
        var crop = ImagePreprocessing.CenterCrop(new RgbImage(5, 4, Enumerable.Range(0, 5 * 4 * 3).Select(i => (byte)i).ToArray()), 2);
        Assert.Equal(new byte[] { 21, 22, 23, 24, 25, 26, 36, 37, 38, 39, 40, 41 }, crop.Pixels);   // rows 1..2, cols 2..3
        var padded = ImagePreprocessing.CenterCrop(new RgbImage(5, 1, px), 3);   // pad top 1, bottom 1
        Assert.Equal(new byte[9], padded.Pixels[..9]);
        Assert.Equal(px[3..12], padded.Pixels[9..18]);
    }

    [Fact]
    public void Truncated_jpeg_is_reported_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zsl-trunc-{Guid.NewGuid():N}.jpg");
        var bytes = File.ReadAllBytes(Image("photo.jpg"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        try
        {
            var e = Assert.Throws<DataFormatException>(() => RgbImage.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("JPEG", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("not-an-image", "unknown magic")]
    [InlineData("png-header-only", "PNG")]
    [InlineData("jpeg-garbage", "JPEG")]
    public void Corrupt_files_raise_DataFormatException_naming_file_and_problem(string kind, string expected)
    {
        byte[] bytes = kind switch
        {
            "not-an-image" => "hello, world"u8.ToArray(),
            "png-header-only" => File.ReadAllBytes(Image("wide.png"))[..20],
            _ => [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x03, 0x04],
        };
        var e = Assert.Throws<DataFormatException>(() => RgbImage.Decode(bytes, kind));
        Assert.Contains(kind, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
