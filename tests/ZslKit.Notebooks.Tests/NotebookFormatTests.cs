// NotebookFormatTests.cs - a damaged .ipynb is refused with the file, and for bad JSON the line and column, in the message.
using System.Text;

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

    [Fact]
    public void A_file_that_cannot_be_read_is_refused_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"zsl-missing-{Guid.NewGuid():N}.ipynb");
        var e = Assert.Throws<NotebookFormatException>(() => Notebook.Load(missing));
        Assert.StartsWith(missing + ": cannot read: ", e.Message);
    }
}
