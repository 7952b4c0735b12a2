// Test helper: copies a fixture notebook into a fresh temp folder, runs it in-process and parses the written .ipynb.
using System.Text.Json.Nodes;
using ZslKit.Testing;

namespace ZslKit.Notebooks.Tests;

internal sealed record FixtureRun(NotebookRunResult Result, JsonObject? Written, string Folder)
{
    public JsonArray Cells => (JsonArray)Written!["cells"]!;

    public JsonObject Cell(int number) => (JsonObject)Cells[number - 1]!;

    public JsonArray Outputs(int number) => (JsonArray)Cell(number)["outputs"]!;

    /// <summary>Text of a nbformat line array or string.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => (string?)x)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };

    public static async Task<FixtureRun> RunAsync(string fixture, NotebookRunOptions? options = null, Action<string>? prepare = null)
    {
        var folder = Directory.CreateTempSubdirectory("zsl-nb-").FullName;
        var input = Path.Combine(folder, fixture);
        File.Copy(RepoPaths.Fixture("notebooks", fixture), input);
        prepare?.Invoke(folder);
        var output = Path.Combine(folder, "out", fixture);
        var result = await NotebookRunner.RunAsync(input, (options ?? new NotebookRunOptions()) with { OutputPath = output });
        var written = File.Exists(output) ? JsonNode.Parse(File.ReadAllText(output))!.AsObject() : null;
        return new FixtureRun(result, written, folder);
    }
}
