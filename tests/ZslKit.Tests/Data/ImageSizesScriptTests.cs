// ImageSizesScriptTests.cs - data-scripts/image_sizes.py (Python 3 stdlib): the ImageID,Width,Height file of Open Images
// test images that the cropped box mapping of Table 3 needs, checked against our own decoder's sizes (RgbImage.Load) of the
// backbone fixture images and read back by LesaOpenImagesLocalisation.ReadImageSizes; bad images exit 1 naming the file.
using System.Diagnostics;
using ZslKit.Data.Images;
using ZslKit.Experiments.Lesa;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public sealed class ImageSizesScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zsl-sizes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string? Python() => ScriptPython.Find();

    private (int Code, string Err) Run(params string[] args)
    {
        var python = Python();
        Skip.If(python is null, "python3 not available");
        var psi = new ProcessStartInfo(python!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(RepoPaths.Root, "data-scripts", "image_sizes.py") }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException("image_sizes.py did not finish in 60 s"); }
        return (p.ExitCode, err.Result);
    }

    [Fact]
    public void Sizes_of_jpeg_and_png_images_match_the_decoder_and_read_back_in_id_order()
    {
        var images = Directory.CreateDirectory(Path.Combine(_root, "images")).FullName;
        var sources = new[] { ("b2", "photo.jpg"), ("a1", "tall.jpg") };
        foreach (var (id, file) in sources) File.Copy(RepoPaths.Fixture("backbones", "images", file), Path.Combine(images, id + ".jpg"));
        var ids = Path.Combine(_root, "item-ids.txt");
        File.WriteAllLines(ids, sources.Select(s => s.Item1));
        var output = Path.Combine(_root, "sizes.csv");
        var (code, err) = Run(images, "--ids", ids, "--out", output);
        Assert.True(code == 0, err);
        var sizes = LesaOpenImagesLocalisation.ReadImageSizes(output);
        Assert.Equal(["b2", "a1"], File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')[0]));
        foreach (var (id, file) in sources)
        {
            var decoded = RgbImage.Load(RepoPaths.Fixture("backbones", "images", file));
            Assert.Equal((decoded.Width, decoded.Height), sizes[id]);
        }

        File.Copy(RepoPaths.Fixture("backbones", "images", "wide.png"), Path.Combine(images, "c3.png"));
        File.WriteAllLines(ids, ["c3"]);
        Assert.Equal(0, Run(images, "--ids", ids, "--out", output, "--ext", ".png").Code);
        var png = RgbImage.Load(RepoPaths.Fixture("backbones", "images", "wide.png"));
        Assert.Equal((png.Width, png.Height), LesaOpenImagesLocalisation.ReadImageSizes(output)["c3"]);
    }

    [Fact]
    public void A_missing_or_broken_image_exits_1_naming_it_and_writes_nothing()
    {
        var images = Directory.CreateDirectory(Path.Combine(_root, "images")).FullName;
        var ids = Path.Combine(_root, "item-ids.txt");
        var output = Path.Combine(_root, "sizes.csv");
        File.WriteAllLines(ids, ["gone"]);
        var (code, err) = Run(images, "--ids", ids, "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("gone.jpg: missing", err);
        var jpeg = File.ReadAllBytes(RepoPaths.Fixture("backbones", "images", "photo.jpg"));
        File.WriteAllBytes(Path.Combine(images, "cut.jpg"), jpeg[..40]);     // SOI + part of APP0/DQT: no SOF
        File.WriteAllLines(ids, ["cut"]);
        (code, err) = Run(images, "--ids", ids, "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("cut.jpg", err);
        Assert.False(File.Exists(output));
        Assert.Equal(2, Run(Path.Combine(_root, "nowhere"), "--ids", ids, "--out", output).Code);
    }
}
