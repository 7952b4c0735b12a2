// ExtractCommandTests.cs - `zsl extract` argument checks in-process (the extraction itself is tested in ZslKit.Tests' backbone
// tests): bad options and input files exit 2 with one line and leave no output folder or extraction.json behind. Runs that
// get as far as the model use ResNet-101 (random init) on one 32 px fixture image.
using ZslKit.Cli.Commands;
using ZslKit.Testing;

namespace ZslKit.Cli.Tests;

public class ExtractCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(ExtractCommand.Create(), args);

    [Fact]
    public void Zero_threads_a_missing_list_an_unknown_model_or_transform_place_exit_2_with_the_reason()
    {
        var list = Path.Combine(Path.GetTempPath(), $"zsl-extract-{Guid.NewGuid():N}.txt");
        File.WriteAllText(list, "a.jpg\n");
        try
        {
            var (code, _, err) = Run("--images", list, "--out", list + ".out", "--threads", "0");
            Assert.Equal(2, code);
            Assert.Contains("--threads 0: must be at least 1", err);
            Assert.Equal(2, Run("--out", list + ".out").Code);
            var (c3, _, e3) = Run("--images", list, "--out", list + ".out", "--model", "alexnet");
            Assert.Equal(2, c3);
            Assert.Contains("--model 'alexnet' is not one of", e3);
            var (c4, _, e4) = Run("--images", list, "--out", list + ".out", "--transforms", "gpu");
            Assert.Equal(2, c4);
            Assert.Contains("--transforms 'gpu' is not one of auto, host, device", e4);
            Assert.False(Directory.Exists(list + ".out"));
        }
        finally { File.Delete(list); }
    }

    /// <summary>A temp folder with list.txt naming one fixture image; deleted by the caller.</summary>
    private static (string Dir, string List) OneImage()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"zsl-extract-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        File.Copy(RepoPaths.Fixture("backbones", "images", "gray.png"), Path.Combine(dir, "gray.png"));
        var list = Path.Combine(dir, "list.txt");
        File.WriteAllText(list, "gray.png\n");
        return (dir, list);
    }

    private static readonly string[] Small = ["--model", "resnet101", "--layer", "avgpool", "--resize", "40", "--crop", "32", "--threads", "1"];

    [Theory]
    [InlineData("--resize", "0")]
    [InlineData("--crop", "0")]
    [InlineData("--crop", "-5")]
    [InlineData("--batch", "0")]
    [InlineData("--shard-size", "0")]
    public void A_size_below_1_exits_2_naming_the_option_and_writes_nothing(string option, string value)
    {
        var (dir, list) = OneImage();
        try
        {
            var output = Path.Combine(dir, "out");
            var (code, _, err) = Run("--images", list, "--out", output, option, value);
            Assert.Equal(2, code);
            Assert.Equal($"zsl extract: {option} {value}: must be at least 1", err.Trim());
            Assert.False(Directory.Exists(output));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void An_empty_image_list_exits_2_and_writes_nothing()
    {
        var (dir, list) = OneImage();
        try
        {
            File.WriteAllText(list, "\n  \n");
            var output = Path.Combine(dir, "out");
            var (code, _, err) = Run(["--images", list, "--out", output, .. Small]);
            Assert.Equal(2, code);
            Assert.Equal($"zsl extract: --images {list}: no image paths", err.Trim());
            Assert.False(Directory.Exists(output));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void An_out_path_that_is_a_file_exits_2_naming_it()
    {
        var (dir, list) = OneImage();
        try
        {
            var (code, _, err) = Run(["--images", list, "--out", list, .. Small]);
            Assert.Equal(2, code);
            Assert.Equal($"zsl extract: --out {list} is a file, not a folder", err.Trim());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("{\"model\": ", "line 2, column 1: ")]
    [InlineData("{\"model\": 5}", "line 1, column 12: a value of the wrong type (at $.model)")]
    public void A_malformed_extraction_json_in_the_out_folder_exits_2_naming_the_file_and_the_position(string json, string error)
    {
        var (dir, list) = OneImage();
        try
        {
            var output = Path.Combine(dir, "out");
            Directory.CreateDirectory(output);
            var run = Path.Combine(output, "extraction.json");
            File.WriteAllText(run, json + "\n");
            var (code, _, err) = Run(["--images", list, "--out", output, .. Small]);
            Assert.Equal(2, code);
            Assert.StartsWith($"zsl extract: {run}: not a `zsl extract` run file: {error}", err);
            Assert.DoesNotContain("LineNumber", err);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Equal(json + "\n", File.ReadAllText(run));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_missing_or_corrupt_weights_file_exits_2_before_writing_so_a_retry_into_the_same_folder_runs()
    {
        var (dir, list) = OneImage();
        try
        {
            var output = Path.Combine(dir, "out");
            var garbage = Path.Combine(dir, "garbage.pth");
            File.WriteAllText(garbage, "garbage");
            var (code, _, err) = Run(["--images", list, "--out", output, "--weights", garbage, .. Small]);
            Assert.Equal(2, code);
            Assert.Contains($"{garbage} at byte 0: not a PyTorch checkpoint", err);
            Assert.False(Directory.Exists(output));
            var missing = Path.Combine(dir, "nope.pth");
            var (code2, _, err2) = Run(["--images", list, "--out", output, "--weights", missing, .. Small]);
            Assert.Equal(2, code2);
            Assert.Equal($"zsl extract: no such .pth file: {missing}", err2.Trim());
            Assert.False(Directory.Exists(output));

            var (code3, _, err3) = Run(["--images", list, "--out", output, .. Small]);
            Assert.True(code3 == 0, err3);
            Assert.True(File.Exists(Path.Combine(output, "shard-00000", "index.json")));
            Assert.Contains("\"weights\": \"(random init)\"", File.ReadAllText(Path.Combine(output, "extraction.json")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
