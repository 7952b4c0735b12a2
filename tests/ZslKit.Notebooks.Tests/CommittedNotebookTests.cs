using System.Text.Json.Nodes;
using ZslKit.Testing;

namespace ZslKit.Notebooks.Tests;

/// <summary>Rules for every notebook committed to the repository.</summary>
public class CommittedNotebookTests
{
    public static TheoryData<string> AllNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var dir in new[] { Path.Combine(RepoPaths.Root, "notebooks"), RepoPaths.Fixture("notebooks") })
            if (Directory.Exists(dir))
                foreach (var f in Directory.EnumerateFiles(dir, "*.ipynb", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    data.Add(Path.GetRelativePath(RepoPaths.Root, f));
        return data;
    }

    public static TheoryData<string> ProjectNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "notebooks"), "*.ipynb", SearchOption.AllDirectories))
            data.Add(Path.GetRelativePath(RepoPaths.Root, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void Committed_notebook_has_no_outputs_or_execution_counts_and_polyglot_metadata(string relative)
    {
        var nb = Notebook.Load(Path.Combine(RepoPaths.Root, relative));
        foreach (var cell in nb.Cells.Where(c => c.IsCode))
        {
            Assert.True(cell.Outputs.Count == 0, $"{relative}: {cell.Label} is committed with outputs: clear them before committing");
            Assert.True(cell.ExecutionCount is null, $"{relative}: {cell.Label} is committed with an execution count");
            Assert.False(cell.HasTag(ParameterInjector.InjectedTag), $"{relative}: {cell.Label} is an injected-parameters cell");
        }
        var md = nb.Root["metadata"]!;
        Assert.Equal(".net-csharp", (string?)md["kernelspec"]?["name"]);
        Assert.Equal("polyglot-notebook", (string?)md["language_info"]?["name"]);
        Assert.Equal("csharp", nb.DefaultKernelName);
        Assert.Equal((4, 5), ((int?)nb.Root["nbformat"], (int?)nb.Root["nbformat_minor"]));
    }

    [Theory]
    [MemberData(nameof(ProjectNotebooks))]
    public void Project_notebook_references_the_built_library_then_declares_parameters(string relative)
    {
        var nb = Notebook.Load(Path.Combine(RepoPaths.Root, relative));
        var code = nb.Cells.Where(c => c.IsCode).ToList();
        Assert.StartsWith("#r \"../artifacts/bin/zsl/ZslKit.dll\"", code[0].Source);
        Assert.True(code[1].HasTag(ParameterInjector.ParametersTag), $"{relative}: the second code cell must be tagged 'parameters'");
        var declared = ParameterInjector.Declarations(code[1].Source).ToDictionary(d => d.Name, d => d.Type);
        Assert.Equal("bool", declared["quick"]);
        Assert.Equal("string", declared["dataset"]);
        Assert.Equal("int", declared["seed"]);
        Assert.Equal("string", declared["device"]);
    }

    [Fact]
    public void Writer_keeps_the_committed_layout_byte_for_byte()
    {
        // A notebook read and written unchanged is identical: 1-space indent, line arrays, trailing newline, key order.
        var path = RepoPaths.Fixture("notebooks", "parameters.ipynb");
        Assert.Equal(File.ReadAllText(path), Notebook.Load(path).ToIpynbJson());
    }

    [Fact]
    public void Injected_parameters_replace_an_earlier_injected_cell()
    {
        var nb = Notebook.Load(RepoPaths.Fixture("notebooks", "parameters.ipynb"));
        ParameterInjector.Inject(nb, [new("seed", "1")]);
        ParameterInjector.Inject(nb, [new("seed", "2"), new("device", "cuda:0")]);
        var injected = Assert.Single(nb.Cells, c => c.HasTag(ParameterInjector.InjectedTag));
        Assert.Equal(1, injected.Index);
        Assert.Equal("// Injected parameters (zsl notebooks run --param)\nint seed = 2;\nstring device = \"cuda:0\";", injected.Source);
        Assert.Equal("csharp", (string?)injected.Json["metadata"]!["polyglot_notebook"]!["kernelName"]);
    }

    [Fact]
    public void Directives_blank_their_lines_so_code_keeps_cell_line_numbers()
    {
        var plan = CellDirectives.Parse("#r \"nuget: Foo, 1.2.3\"\n#i \"nuget: /tmp/feed\"\nvar a = 1;\n#!markdown\n**hi**", "csharp");
        Assert.Equal(new NuGetReference("Foo", "1.2.3", 1), Assert.Single(plan.Packages));
        Assert.Equal("/tmp/feed", Assert.Single(plan.PackageSources));
        Assert.Equal(2, plan.Submissions.Count);
        Assert.Equal("\n\nvar a = 1;", plan.Submissions[0].Code);
        Assert.Equal(("markdown", "**hi**"), (plan.Submissions[1].Kernel, plan.Submissions[1].Code));
        var e = Assert.Throws<CellDirectiveException>(() => CellDirectives.Parse("var a = 1;\n\n#!fsharp\n", "csharp"));
        Assert.Equal((3, "#!fsharp"), (e.Line, e.Name));
    }
}
