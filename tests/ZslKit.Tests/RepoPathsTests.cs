// RepoPathsTests.cs - RepoPaths.Locate: the repository root from the test assembly's folder, $ZSLKIT_REPO_ROOT or the
// folder the tests were started from (the order a self-contained test app unpacked outside the repository relies on),
// on temporary folders.
namespace ZslKit.Tests;

public sealed class RepoPathsTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("zslkit-repopaths-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>A folder under the temporary one, created, with an empty ZslKit.sln when <paramref name="repo"/> is true.</summary>
    private string Folder(string name, bool repo = false)
    {
        var path = Directory.CreateDirectory(Path.Combine(_temp, name)).FullName;
        if (repo) File.WriteAllText(Path.Combine(path, "ZslKit.sln"), "");
        return path;
    }

    [Fact]
    public void The_folder_above_the_test_assembly_wins_over_the_variable_and_the_start_folder()
    {
        var repo = Folder("repo", repo: true);
        var assembly = Directory.CreateDirectory(Path.Combine(repo, "tests", "bin", "net10.0")).FullName;
        Assert.Equal(repo, RepoPaths.Locate(assembly, Folder("other", repo: true), Folder("cwd", repo: true)));
    }

    [Fact]
    public void An_app_outside_the_repository_takes_the_variable_before_the_start_folder()
    {
        var repo = Folder("repo", repo: true);
        Assert.Equal(repo, RepoPaths.Locate(Folder("app"), repo, Folder("cwd", repo: true)));
    }

    [Fact]
    public void Without_the_variable_the_nearest_repository_above_the_start_folder_is_found()
    {
        var repo = Folder("repo", repo: true);
        var cwd = Directory.CreateDirectory(Path.Combine(repo, "artifacts", "gpu")).FullName;
        Assert.Equal(repo, RepoPaths.Locate(Folder("app"), null, cwd));
        Assert.Equal(repo, RepoPaths.Locate(Folder("app"), "", cwd));
    }

    [Fact]
    public void A_variable_without_the_solution_file_is_an_error_naming_it()
    {
        var wrong = Folder("wrong");
        var e = Assert.Throws<InvalidOperationException>(() => RepoPaths.Locate(Folder("app"), wrong, Folder("repo", repo: true)));
        Assert.Equal($"ZSLKIT_REPO_ROOT={wrong} does not hold ZslKit.sln", e.Message);
    }

    [Fact]
    public void Nothing_found_names_both_folders_and_the_variable()
    {
        var app = Folder("app");
        var cwd = Folder("cwd");
        var e = Assert.Throws<InvalidOperationException>(() => RepoPaths.Locate(app, null, cwd));
        Assert.Contains($"above the test assembly ({app})", e.Message);
        Assert.Contains($"above the folder the tests were started from ({cwd})", e.Message);
        Assert.Contains("ZSLKIT_REPO_ROOT is not set", e.Message);
    }
}
