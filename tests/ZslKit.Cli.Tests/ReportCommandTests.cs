// ReportCommandTests.cs - `zsl report` in-process: bad input (missing or file --in, file --out, a notebook that is not a valid
// nbformat 4 document) exits 2 with one line naming it, and writes nothing.
using System.Text.Json.Nodes;
using ZslKit.Cli.Commands;

namespace ZslKit.Cli.Tests;

public sealed class ReportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zsl-report-cmd-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(ReportCommand.Create(), args);

    private string In => Path.Combine(_dir, "in");

    private string Out => Path.Combine(_dir, "site");

    /// <summary>Writes in/<paramref name="name"/>: an executed notebook with one code cell.</summary>
    private void WriteGood(string name)
    {
        Directory.CreateDirectory(In);
        var cell = new JsonObject
        {
            ["cell_type"] = "code", ["execution_count"] = 1, ["metadata"] = new JsonObject(), ["source"] = "1", ["outputs"] = new JsonArray(),
        };
        File.WriteAllText(Path.Combine(In, name),
            new JsonObject { ["cells"] = new JsonArray(cell), ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString());
    }

    [Fact]
    public void An_input_folder_that_does_not_exist_exits_2_naming_it()
    {
        var (code, _, err) = Run("--in", In, "--out", Out);
        Assert.Equal(2, code);
        Assert.Equal($"zsl report: no executed notebooks folder at {In}", err.Trim());
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void An_input_path_that_is_a_file_exits_2_naming_it()
    {
        var file = Path.Combine(_dir, "x.ipynb");
        File.WriteAllText(file, "{}");
        var (code, _, err) = Run("--in", file, "--out", Out);
        Assert.Equal(2, code);
        Assert.Equal($"zsl report: --in {file} is a file, not a folder", err.Trim());
    }

    [Fact]
    public void An_out_path_that_is_a_file_exits_2_naming_it_and_leaves_the_file()
    {
        WriteGood("a.ipynb");
        var file = Path.Combine(_dir, "FILE");
        File.WriteAllText(file, "keep");
        var (code, _, err) = Run("--in", In, "--out", file);
        Assert.Equal(2, code);
        Assert.Equal($"zsl report: --out {file} is a file, not a folder", err.Trim());
        Assert.Equal("keep", File.ReadAllText(file));
    }

    [Fact]
    public void A_truncated_notebook_exits_2_naming_it_and_writes_nothing()
    {
        WriteGood("a.ipynb");
        File.WriteAllText(Path.Combine(In, "b.ipynb"), File.ReadAllText(Path.Combine(In, "a.ipynb"))[..40]);
        var (code, _, err) = Run("--in", In, "--out", Out);
        Assert.Equal(2, code);
        Assert.StartsWith($"zsl report: {Path.Combine(In, "b.ipynb")}: invalid JSON at line 1, column 41: ", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(Out));
    }

    [Theory]
    [InlineData("{\"nbformat\": 4, \"cells\": 5}", "no \"cells\" array")]
    [InlineData("{\"nbformat\": 4, \"cells\": [null]}", "cell 1 (cells[0]) is null, not a JSON object")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": 7}]}",
        "cell 1 (cells[0]): \"source\" is 7, not a string or an array of strings")]
    [InlineData("", "the file is empty")]
    public void A_notebook_that_notebooks_run_refuses_exits_2_naming_the_problem(string json, string problem)
    {
        Directory.CreateDirectory(In);
        File.WriteAllText(Path.Combine(In, "bad.ipynb"), json);
        var (code, _, err) = Run("--in", In, "--out", Out);
        Assert.Equal(2, code);
        Assert.Equal($"zsl report: {Path.Combine(In, "bad.ipynb")}: {problem}", err.Trim());
        Assert.False(Directory.Exists(Out));
    }
}
