// ExtractCommandTests.cs - `zsl extract` argument checks in-process (the extraction itself is tested in ZslKit.Tests' backbone tests).
using ZslKit.Cli.Commands;

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
}
