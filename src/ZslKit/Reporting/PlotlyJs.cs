// Finds the plotly.js bundle that environment/setup.sh installs (npm plotly.js-dist-min, pinned) so charts draw offline:
// it is inlined into notebook outputs or copied next to report pages, never loaded from a CDN.
using System.Text.Json.Nodes;

namespace ZslKit.Reporting;

/// <summary>The local plotly.js bundle.</summary>
public static class PlotlyJs
{
    /// <summary>Where setup.sh installs the npm package, relative to the repository root.</summary>
    public const string RepoRelativeFolder = "environment/.state/npm/node_modules/plotly.js-dist-min";

    private static readonly Lazy<string?> Located = new(Locate);
    private static readonly Lazy<string> Source = new(() => File.ReadAllText(Path));

    /// <summary>True when the bundle was found.</summary>
    public static bool IsAvailable => Located.Value is not null;

    /// <summary>The bundle's path; throws with the fix when it is not installed.</summary>
    public static string Path => Located.Value ?? throw new FileNotFoundException(MissingMessage);

    /// <summary>The error when the bundle is needed and not installed.</summary>
    public const string MissingMessage =
        $"plotly.min.js not found: run environment/setup.sh (it installs npm plotly.js-dist-min into {RepoRelativeFolder}) " +
        "or set ZSLKIT_PLOTLY_JS to the file";

    /// <summary>The bundle's version (from its package.json), e.g. "3.1.2".</summary>
    public static string Version
    {
        get
        {
            var pkg = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "package.json");
            return File.Exists(pkg) ? (string?)JsonNode.Parse(File.ReadAllText(pkg))?["version"] ?? "?" : "?";
        }
    }

    /// <summary>The bundle's text (read once).</summary>
    public static string Script => Source.Value;

    /// <summary>Where a published app carries the bundle, relative to its folder (environment/gpu/pack.sh puts it there).</summary>
    public const string AppRelativeFolder = "plotly.js-dist-min";

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("ZSLKIT_PLOTLY_JS") is { Length: > 0 } env && File.Exists(env)) return env;
        var appDir = System.IO.Path.GetDirectoryName(typeof(PlotlyJs).Assembly.Location);
        return LocateFrom([appDir, AppContext.BaseDirectory, Directory.GetCurrentDirectory()], appDir);
    }

    /// <summary>
    /// The bundle beside a published app (<paramref name="appDir"/>/plotly.js-dist-min/plotly.min.js), else the first
    /// <c>environment/.state/npm/.../plotly.min.js</c> in a folder at or above one of <paramref name="starts"/>; null if none.
    /// </summary>
    internal static string? LocateFrom(IEnumerable<string?> starts, string? appDir)
    {
        if (!string.IsNullOrEmpty(appDir) && System.IO.Path.Combine(appDir, AppRelativeFolder, "plotly.min.js") is var beside && File.Exists(beside))
            return beside;
        foreach (var start in starts.Where(s => !string.IsNullOrEmpty(s)))
        {
            for (var dir = new DirectoryInfo(start!); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, RepoRelativeFolder, "plotly.min.js");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
