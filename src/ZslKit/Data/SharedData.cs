// SharedData.cs - finds the optional real semantic data (../shared/data next to the repository, or $ZSLKIT_SHARED_DATA)
// from library code, notebooks and the CLI; callers fall back to generated stand-ins when it is absent.
namespace ZslKit.Data;

public static class SharedData
{
    /// <summary>The environment variable that overrides the search.</summary>
    public const string EnvironmentVariable = "ZSLKIT_SHARED_DATA";

    /// <summary>
    /// $ZSLKIT_SHARED_DATA when set (null if that folder does not exist), else <c>shared/data</c> beside the first folder
    /// holding ZslKit.sln above the current directory or above this assembly; null when there is none.
    /// </summary>
    public static string? Find()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ZslKit.sln")))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                    if (Directory.Exists(candidate)) return candidate;
                    break;
                }
        return null;
    }
}
