// SharedData.cs - finds the optional real semantic data (../shared/data next to the repository, or $ZSLKIT_SHARED_DATA)
// from library code, notebooks and the CLI; callers fall back to generated stand-ins when it is absent.
namespace ZslKit.Data;

public static class SharedData
{
    /// <summary>The environment variable that overrides the search.</summary>
    public const string EnvironmentVariable = "ZSLKIT_SHARED_DATA";

    /// <summary>
    /// $ZSLKIT_SHARED_DATA when set (null if that folder does not exist), else <c>shared/data</c> beside the repository
    /// (<see cref="FindRepoRoot"/>); null when there is none.
    /// </summary>
    public static string? Find()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        if (FindRepoRoot() is not { } root) return null;
        var candidate = Path.GetFullPath(Path.Combine(root, "..", "shared", "data"));
        return Directory.Exists(candidate) ? candidate : null;
    }

    /// <summary>The first folder holding ZslKit.sln above the current directory (notebooks run in notebooks/) or above this
    /// assembly; null when there is none (e.g. a published app outside the repository).</summary>
    public static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ZslKit.sln"))) return dir.FullName;
        return null;
    }
}
