// DataCommandTests.cs - `zsl data lesa-w2v` in-process on a miniature openimages-v4 folder and the numpy-written pickle fixture.
using ZslKit.Cli.Commands;
using ZslKit.Testing;

namespace ZslKit.Cli.Tests;

public sealed class DataCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "zslkit-data-cmd-" + Guid.NewGuid().ToString("N")[..8]);

    public DataCommandTests()
    {
        var folder = Path.Combine(_data, "openimages-v4");
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "classes-trainable.txt"), ["/m/s0", "/m/s1", "/m/s2", "/m/s3", "/m/s4"]);
        File.WriteAllLines(Path.Combine(folder, "unseen_labels.txt"), ["/m/u0", "/m/u1", "/m/u2"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(DataCommand.Create(), args);

    [Fact]
    public void Lesa_w2v_writes_both_npy_files_and_refuses_to_overwrite_them_without_force()
    {
        var pickle = RepoPaths.Fixture("pickle", "w2v_p3.pkl");
        var (code, stdout, stderr) = Run("lesa-w2v", pickle, "--data", _data);
        Assert.True(code == 0, stderr);
        Assert.Contains("w2v_seen.npy [5, 4]", stdout);
        Assert.Contains("w2v_unseen.npy [3, 4]", stdout);
        var (again, _, err2) = Run("lesa-w2v", pickle, "--data", _data);
        Assert.Equal(2, again);
        Assert.Contains("--force", err2);
        Assert.Equal(0, Run("lesa-w2v", pickle, "--data", _data, "--force").Code);
    }

    [Fact]
    public void Lesa_w2v_exits_1_for_a_wrong_pickle_and_2_for_a_missing_one()
    {
        var (code, _, stderr) = Run("lesa-w2v", RepoPaths.Fixture("pickle", "mixed_p5.pkl"), "--data", _data);
        Assert.Equal(1, code);
        Assert.Contains("expected a pickled pair", stderr);
        var (missing, _, err2) = Run("lesa-w2v", Path.Combine(_data, "nope.pkl"), "--data", _data);
        Assert.Equal(2, missing);
        Assert.Contains("nope.pkl", err2);
    }
}
