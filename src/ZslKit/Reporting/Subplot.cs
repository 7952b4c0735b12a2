// A cell of a subplot grid (1-based row and column) and the plotly axis names it maps to.
namespace ZslKit.Reporting;

/// <summary>Position in a <see cref="PlotlyFigure.Grid"/>; (1, 1) is the top-left subplot.</summary>
public readonly record struct Subplot(int Row, int Column)
{
    /// <summary>The plotly axis suffix: "" for the first subplot, else its 1-based index in row-major order.</summary>
    internal string AxisSuffix(int columns)
    {
        var index = (Row - 1) * columns + Column;
        return index == 1 ? "" : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
