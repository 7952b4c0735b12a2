// NotebookFormatTests.cs - a damaged .ipynb is refused with the file, and for bad JSON the line and column, in the message.
using System.Text;
using System.Text.Json.Nodes;

namespace ZslKit.Notebooks.Tests;

public class NotebookFormatTests
{
    private static NotebookFormatException Refuse(string json) =>
        Assert.Throws<NotebookFormatException>(() => Notebook.Parse(Encoding.UTF8.GetBytes(json), "broken.ipynb"));

    [Fact]
    public void Bad_json_is_refused_naming_the_file_line_and_column()
    {
        var e = Refuse("{\n \"cells\": [],\n \"nbformat\": 4,\n oops\n}");
        Assert.StartsWith("broken.ipynb: invalid JSON at line 4, column 2: ", e.Message);
        Assert.DoesNotContain("LineNumber", e.Message);
        Assert.Equal("broken.ipynb", e.NotebookPath);
    }

    [Fact]
    public void A_document_that_is_not_a_version_4_notebook_is_refused_saying_why()
    {
        Assert.Equal("broken.ipynb: the top level is not a JSON object", Refuse("[1, 2]").Message);
        Assert.Equal("broken.ipynb: nbformat 3 is not supported (need 4)", Refuse("{\"nbformat\": 3, \"cells\": []}").Message);
        Assert.Equal("broken.ipynb: no \"cells\" array", Refuse("{\"nbformat\": 4}").Message);
    }

    [Theory]
    [InlineData("null", "cell 1 (cells[0]) is null, not a JSON object")]
    [InlineData("5", "cell 1 (cells[0]) is 5, not a JSON object")]
    [InlineData("{\"source\": \"x\"}", "cell 1 (cells[0]): no \"cell_type\"")]
    [InlineData("{\"cell_type\": \"python\", \"source\": \"x\"}",
        "cell 1 (cells[0]): \"cell_type\" is \"python\", not one of \"code\", \"markdown\", \"raw\"")]
    [InlineData("{\"cell_type\": \"code\", \"source\": 7}", "cell 1 (cells[0]): \"source\" is 7, not a string or an array of strings")]
    [InlineData("{\"cell_type\": \"code\", \"source\": [\"a\\n\", null]}", "cell 1 (cells[0]): \"source\"[1] is null, not a string")]
    public void A_cell_that_is_not_a_typed_cell_with_text_source_is_refused_naming_its_index(string cell, string problem)
    {
        Assert.Equal($"broken.ipynb: {problem}", Refuse($"{{\"nbformat\": 4, \"cells\": [{cell}]}}").Message);
        var second = Refuse($"{{\"nbformat\": 4, \"cells\": [{{\"cell_type\": \"raw\", \"source\": \"\"}}, {cell}]}}").Message;
        Assert.StartsWith("broken.ipynb: cell 2 (cells[1])", second);
    }

    [Fact]
    public async Task A_cell_without_source_loads_and_runs_as_empty()
    {
        var nb = Notebook.Parse(Encoding.UTF8.GetBytes(
            "{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"markdown\"}, {\"cell_type\": \"code\", \"outputs\": []}]}"), "lenient.ipynb");
        Assert.Equal(["", ""], nb.Cells.Select(c => c.Source));

        var folder = Directory.CreateTempSubdirectory("zsl-nb-").FullName;
        try
        {
            var path = Path.Combine(folder, "lenient.ipynb");
            File.WriteAllText(path, "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [" +
                "{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": []}, " +
                "{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"source\": \"Console.Write(\\\"after\\\");\"}]}");
            var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions { OutputPath = Path.Combine(folder, "out.ipynb") });
            Assert.True(result.Succeeded, result.Summary);
            var written = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "out.ipynb")))!;
            Assert.Equal("after", FixtureRun.Text(written["cells"]![1]!["outputs"]![0]!["text"]));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t\r\n")]
    public void An_empty_or_blank_file_is_refused_as_empty(string text) =>
        Assert.Equal("broken.ipynb: the file is empty", Refuse(text).Message);

    [Fact]
    public void A_file_that_cannot_be_read_is_refused_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"zsl-missing-{Guid.NewGuid():N}.ipynb");
        var e = Assert.Throws<NotebookFormatException>(() => Notebook.Load(missing));
        Assert.StartsWith(missing + ": cannot read: ", e.Message);
    }
}
