// RepoPaths.cs - where the repository root, the committed fixtures and the optional shared data are, for every test project.
namespace ZslKit.Testing;

/// <summary>Locates the repository root, the committed test fixtures and the optional real data in ../shared/data.</summary>
public static class RepoPaths
{
    /// <summary>The environment variable naming the repository root when the tests run outside it (a published test app).</summary>
    public const string RootVariable = "ZSLKIT_REPO_ROOT";

    /// <summary>
    /// The folder holding ZslKit.sln: found by walking up from the test assembly, else $ZSLKIT_REPO_ROOT, else by walking
    /// up from the folder the test app was started from (a self-contained test app unpacked outside the repository, started
    /// with the repository as the current directory).
    /// </summary>
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

    private static string FindRoot() =>
        Locate(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(RootVariable), StartDirectory());

    /// <summary>
    /// The folder the test app was started from: xunit v3's in-process runner sets the current directory to the test
    /// assembly's folder before any test runs, so the shell's $PWD when it names a folder, else the current directory.
    /// </summary>
    private static string StartDirectory()
    {
        var pwd = Environment.GetEnvironmentVariable("PWD");
        return !string.IsNullOrEmpty(pwd) && Directory.Exists(pwd) ? pwd : Environment.CurrentDirectory;
    }

    /// <summary>
    /// The repository root as <see cref="Root"/> finds it: the nearest folder holding ZslKit.sln at or above
    /// <paramref name="assemblyFolder"/>, else <paramref name="rootVariable"/> (which must hold ZslKit.sln when set), else the
    /// nearest such folder at or above <paramref name="startFolder"/>; throws naming all three when none is found.
    /// </summary>
    public static string Locate(string assemblyFolder, string? rootVariable, string startFolder)
    {
        if (FindAbove(assemblyFolder) is { } fromAssembly) return fromAssembly;
        if (!string.IsNullOrEmpty(rootVariable))
        {
            var full = Path.GetFullPath(rootVariable);
            if (File.Exists(Path.Combine(full, "ZslKit.sln"))) return full;
            throw new InvalidOperationException($"{RootVariable}={rootVariable} does not hold ZslKit.sln");
        }
        if (FindAbove(startFolder) is { } fromStart) return fromStart;
        throw new InvalidOperationException(
            $"ZslKit.sln not found above the test assembly ({assemblyFolder}) nor above the folder the tests were started " +
            $"from ({startFolder}), and {RootVariable} is not set: run the tests from the repository or set {RootVariable}");
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> holding ZslKit.sln, or null.</summary>
    private static string? FindAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ZslKit.sln"))) return dir.FullName;
        return null;
    }

    private static string? FindSharedData()
    {
        var env = Environment.GetEnvironmentVariable("ZSLKIT_SHARED_DATA");
        var candidate = !string.IsNullOrEmpty(env) ? env : Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
