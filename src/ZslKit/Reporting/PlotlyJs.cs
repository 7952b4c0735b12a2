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
    public static string Path => Located.Value ?? throw new FileNotFoundException(
        $"plotly.min.js not found: run environment/setup.sh (it installs npm plotly.js-dist-min into {RepoRelativeFolder}) " +
        "or set ZSLKIT_PLOTLY_JS to the file");

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

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("ZSLKIT_PLOTLY_JS") is { Length: > 0 } env && File.Exists(env)) return env;
        var starts = new[] { System.IO.Path.GetDirectoryName(typeof(PlotlyJs).Assembly.Location), AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
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
