// SharedDataExport.cs - a test app started outside the repository (environment/gpu/run.sh, or unpacked elsewhere) shows
// library code the shared data folder the tests see, by exporting it as $ZSLKIT_SHARED_DATA when the app loads.
using System.Runtime.CompilerServices;

namespace ZslKit.Testing;

internal static class SharedDataExport
{
    private const string Variable = "ZSLKIT_SHARED_DATA";

    /// <summary>
    /// When the test assembly is not inside the repository and $ZSLKIT_SHARED_DATA is unset, sets it to
    /// <see cref="RepoPaths.SharedData"/>: library code (ZslKit.Data.SharedData) looks above the current directory, which
    /// xunit v3's runner sets to the app's folder, and above the app, so it would not find the folder the tests
    /// found through $ZSLKIT_REPO_ROOT or $PWD. Nothing changes for tests run inside the repository.
    /// </summary>
    [ModuleInitializer]
    internal static void Run()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ZslKit.sln"))) return;     // inside the repository
        try
        {
            if (RepoPaths.SharedData is { } data) Environment.SetEnvironmentVariable(Variable, data);
        }
        catch (TypeInitializationException)
        {
            // No repository found at all: the tests that need one fail with RepoPaths' message.
        }
    }
}
