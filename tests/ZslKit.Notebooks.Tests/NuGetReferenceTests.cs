namespace ZslKit.Notebooks.Tests;

/// <summary>#r "nuget: ..." through a generated restore (needs the dotnet SDK and the package in the NuGet cache or feed).</summary>
public class NuGetReferenceTests
{
    [Fact]
    public async Task Nuget_reference_is_restored_with_its_dependencies_and_usable_in_later_cells()
    {
        var cache = Directory.CreateTempSubdirectory("zsl-nuget-").FullName;
        var run = await FixtureRun.RunAsync("nuget.ipynb", new NotebookRunOptions { NuGetCacheDirectory = cache });
        Assert.True(run.Result.ExitCode == 0, run.Result.Summary);
        Assert.Equal("{\"a\":1}", FixtureRun.Text(run.Outputs(2)[0]!["data"]!["text/plain"]));
        var restored = Assert.Single(Directory.GetDirectories(cache));
        Assert.True(File.Exists(Path.Combine(restored, "out", "Newtonsoft.Json.dll")));
    }

    [Fact]
    public async Task Unrestorable_package_fails_its_cell_on_the_reference_line()
    {
        var cache = Directory.CreateTempSubdirectory("zsl-nuget-").FullName;
        var run = await FixtureRun.RunAsync("nuget-missing.ipynb", new NotebookRunOptions { NuGetCacheDirectory = cache });
        Assert.Equal(1, run.Result.ExitCode);
        var failure = Assert.Single(run.Result.Failures);
        Assert.Equal((1, 2, "nuget"), (failure.Cell, failure.Line, failure.Kind));
        Assert.Contains("ZslKit.NoSuchPackage.ForTests", failure.Message);
        Assert.Equal("NuGetRestoreError", (string?)run.Outputs(1)[0]!["ename"]);
    }
}
