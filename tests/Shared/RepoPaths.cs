namespace ZslKit.Testing;

/// <summary>Locates the repository root, the committed test fixtures and the optional real data in ../shared/data.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding ZslKit.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>tests/fixtures/&lt;parts&gt; (generator scripts and their committed outputs).</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Root, "tests", "fixtures", .. parts]);

    /// <summary>
    /// The real reference data (../shared/data next to the repository, or $ZSLKIT_SHARED_DATA), or null when absent.
    /// Tests that need it call <c>Skip.If(RepoPaths.SharedData is null, ...)</c>.
    /// </summary>
    public static string? SharedData { get; } = FindSharedData();

    /// <summary>A file under the shared data folder, or null when the folder or the file is absent.</summary>
    public static string? SharedFile(params string[] parts)
    {
        if (SharedData is null) return null;
        var path = Path.Combine([SharedData, .. parts]);
        return File.Exists(path) ? path : null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ZslKit.sln"))) return dir.FullName;
        throw new InvalidOperationException($"ZslKit.sln not found above {AppContext.BaseDirectory}");
    }

    private static string? FindSharedData()
    {
        var env = Environment.GetEnvironmentVariable("ZSLKIT_SHARED_DATA");
        var candidate = !string.IsNullOrEmpty(env) ? env : Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
