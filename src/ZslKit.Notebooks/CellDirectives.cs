// Splits a code cell into the submissions Polyglot would run: kernel switches (#!csharp, #!markdown, #!html),
// #r "nuget: ..." package references and #i package sources. Any other magic command is an error naming its line.
using System.Text.RegularExpressions;

namespace ZslKit.Notebooks;

/// <summary>A package reference from <c>#r "nuget: Name, Version"</c> (version null means the newest).</summary>
public sealed record NuGetReference(string Name, string? Version, int Line);

/// <summary>
/// One run of consecutive lines in one kernel. <see cref="Code"/> keeps blank lines in place of the cell's other lines and its
/// directives, so compiler and stack-trace line numbers are cell-relative.
/// </summary>
public sealed record CellSubmission(string Kernel, string Code, int FirstLine);

/// <summary>What a code cell asks for: its submissions in order, packages and package sources.</summary>
public sealed record CellPlan(
    IReadOnlyList<CellSubmission> Submissions,
    IReadOnlyList<NuGetReference> Packages,
    IReadOnlyList<string> PackageSources);

/// <summary>A magic command the headless runner does not support, or a malformed one.</summary>
public sealed class CellDirectiveException(int line, string name, string message) : Exception(message)
{
    /// <summary>1-based line in the cell.</summary>
    public int Line { get; } = line;

    /// <summary>The directive as written, e.g. "#!time".</summary>
    public string Name { get; } = name;
}

/// <summary>Parses the magic commands of a cell (Polyglot syntax).</summary>
public static partial class CellDirectives
{
    /// <summary>The kernels the headless runner executes; C# runs code, the other two display their text.</summary>
    public static readonly IReadOnlySet<string> SupportedKernels = new HashSet<string> { "csharp", "markdown", "html" };

    private static readonly Dictionary<string, string> KernelAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csharp"] = "csharp", ["c#"] = "csharp", ["cs"] = "csharp",
        ["markdown"] = "markdown", ["md"] = "markdown",
        ["html"] = "html",
    };

    /// <summary>Splits <paramref name="source"/> (run in <paramref name="kernel"/> unless a #! line switches it).</summary>
    public static CellPlan Parse(string source, string kernel)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        kernel = KernelAliases.GetValueOrDefault(kernel, kernel);
        if (!SupportedKernels.Contains(kernel))
            throw new CellDirectiveException(1, kernel, $"kernel '{kernel}' is not supported by the headless runner (C#, markdown and html only)");
        var packages = new List<NuGetReference>();
        var sources = new List<string>();
        var submissions = new List<CellSubmission>();
        var current = new string[lines.Length];
        var currentKernel = kernel;
        var first = 1;
        var any = false;

        void Flush(int endExclusive)
        {
            if (any)
            {
                var text = currentKernel == "csharp"
                    ? string.Join("\n", current.Take(endExclusive).Select(l => l ?? ""))
                    : string.Join("\n", current.Skip(first - 1).Take(endExclusive - first + 1).Select(l => l ?? "")).Trim('\n');
                submissions.Add(new CellSubmission(currentKernel, text, first));
            }
            Array.Clear(current);
            any = false;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var t = line.Trim();
            var lineNo = i + 1;
            if (t.StartsWith("#!", StringComparison.Ordinal))
            {
                var word = t[2..].Split([' ', '\t'], 2)[0];
                if (!KernelAliases.TryGetValue(word, out var k))
                    throw new CellDirectiveException(lineNo, "#!" + word,
                        $"magic command '#!{word}' is not supported by the headless runner " +
                        "(supported: #!csharp, #!markdown, #!html, #r, #r \"nuget:...\", #i)");
                Flush(i);
                currentKernel = k;
                first = lineNo + 1;
                continue;
            }
            if (currentKernel == "csharp" && t.StartsWith("#r", StringComparison.Ordinal) && NuGetRef().Match(t) is { Success: true } m)
            {
                var version = m.Groups["version"].Success ? m.Groups["version"].Value.Trim() : null;
                packages.Add(new NuGetReference(m.Groups["name"].Value.Trim(), string.IsNullOrEmpty(version) ? null : version, lineNo));
                current[i] = "";
                any = true;
                continue;
            }
            if (currentKernel == "csharp" && t.StartsWith("#i", StringComparison.Ordinal) && (t.Length == 2 || char.IsWhiteSpace(t[2])))
            {
                var im = PackageSource().Match(t);
                if (!im.Success)
                    throw new CellDirectiveException(lineNo, "#i", $"#i needs a quoted \"nuget: <source>\" argument");
                sources.Add(im.Groups["src"].Value.Trim());
                current[i] = "";
                any = true;
                continue;
            }
            current[i] = line;
            any = true;
        }
        Flush(lines.Length);
        return new CellPlan(submissions, packages, sources);
    }

    [GeneratedRegex("""^#r\s+"nuget:\s*(?<name>[^,"]+?)\s*(,\s*(?<version>[^"]*))?"\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex NuGetRef();

    [GeneratedRegex("""^#i\s+"nuget:\s*(?<src>[^"]+)"\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex PackageSource();
}
