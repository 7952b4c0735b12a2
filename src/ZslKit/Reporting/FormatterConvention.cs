// Rich display of ZslKit values in VS Code Polyglot Notebooks and in the headless runner alike, without a package reference:
// Microsoft.DotNet.Interactive.Formatting recognises an attribute *named* TypeFormatterSourceAttribute whose source type has
// CreateTypeFormatters() returning objects with MimeType, Type and Format(object, TextWriter) — matched by name (convention).
namespace ZslKit.Reporting;

/// <summary>
/// Names the formatter source of a type (matched by name by .NET Interactive's Formatter). Internal, so a notebook that imports
/// both ZslKit.Reporting and Microsoft.DotNet.Interactive.Formatting never sees two attributes of this name.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>Mime types a displayed value is written in (text/plain is added by the notebook).</summary>
    public string[]? PreferredMimeTypes { get; set; }
}

/// <summary>The formatters of ZslKit's reporting types (charts and tables).</summary>
public sealed class ReportingFormatterSource
{
    /// <summary>Called by the Formatter the first time it formats one of the attributed types.</summary>
    public IEnumerable<object> CreateTypeFormatters() =>
    [
        new ConventionFormatter(typeof(PlotlyFigure), PlotlyFigure.PlotlyMimeType, v => ((PlotlyFigure)v).ToJsonString()),
        new ConventionFormatter(typeof(PlotlyFigure), "text/html", v => ((PlotlyFigure)v).ToHtml()),
        new ConventionFormatter(typeof(PlotlyFigure), "text/plain", v => v.ToString() ?? ""),
        new ConventionFormatter(typeof(ResultTable), "text/html", v => ((ResultTable)v).ToHtml()),
        new ConventionFormatter(typeof(ResultTable), "text/markdown", v => ((ResultTable)v).ToMarkdown()),
        new ConventionFormatter(typeof(ResultTable), "text/plain", v => ((ResultTable)v).ToMarkdown()),
        new ConventionFormatter(typeof(PaperComparison), "text/html", v => ((PaperComparison)v).ToHtml()),
        new ConventionFormatter(typeof(PaperComparison), "text/markdown", v => ((PaperComparison)v).ToMarkdown()),
        new ConventionFormatter(typeof(PaperComparison), "text/plain", v => ((PaperComparison)v).ToMarkdown()),
    ];
}

/// <summary>One (type, mime type) formatter in the shape the Formatter's convention expects.</summary>
public sealed class ConventionFormatter(Type type, string mimeType, Func<object, string> format)
{
    public Type Type { get; } = type;
    public string MimeType { get; } = mimeType;

    /// <summary>Writes <paramref name="instance"/> when it is of <see cref="Type"/>; returns false otherwise.</summary>
    public bool Format(object instance, TextWriter writer)
    {
        if (!Type.IsInstanceOfType(instance)) return false;
        writer.Write(format(instance));
        return true;
    }
}
