// OpenImagesBoxes.cs - a streaming reader of the Open Images v4 box annotations (test-annotations-bbox.csv): one row per box,
// ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside, with
// coordinates normalised to [0, 1] of the original image. The real file holds about a million rows, so it is read line by
// line and only the rows of a given set of images and labels are kept: the ground truth of zero-shot localisation (Huynh &
// Elhamifar, CVPR 2020, Sec. 5.4, Table 3; docs/lesa.md "Table 3 on real Open Images").
using System.Globalization;

namespace ZslKit.Data.Datasets;

/// <summary>A box in normalised image coordinates: x to the right, y down, both in [0, 1] of the original image.</summary>
public readonly record struct NormalisedBox(double XMin, double XMax, double YMin, double YMax);

public static class OpenImagesBoxes
{
    /// <summary>The header line of the Open Images v4 box files.</summary>
    public const string Header = "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside";

    /// <summary>The box file of the test split under the data folder (data-scripts/manifest.json "openimages-v4-test-bbox").</summary>
    public const string TestFileName = "test-annotations-bbox.csv";

    private const int Columns = 13;

    /// <summary>
    /// The boxes of <paramref name="path"/> whose ImageID is in <paramref name="imageIds"/> and whose LabelName is in
    /// <paramref name="labelIds"/>, keyed by (ImageID, LabelName), in file order. Every row must have 13 columns; kept rows
    /// must have a non-negative Confidence and coordinates with 0 ≤ min ≤ max ≤ 1. A bad header or row is a
    /// <see cref="DataFormatException"/> naming the file and line (1-based).
    /// </summary>
    public static Dictionary<(string ImageId, string LabelId), List<NormalisedBox>> Read(string path, IReadOnlySet<string> imageIds,
        IReadOnlySet<string> labelIds)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Open Images box file {path} not found (data-scripts/fetch.py, group openimages; docs/data.md)", path);
        using var reader = new StreamReader(path);
        return Read(reader, path, imageIds, labelIds);
    }

    /// <summary><see cref="Read(string, IReadOnlySet{string}, IReadOnlySet{string})"/> of a text stream named <paramref name="name"/>.</summary>
    public static Dictionary<(string ImageId, string LabelId), List<NormalisedBox>> Read(TextReader reader, string name, IReadOnlySet<string> imageIds,
        IReadOnlySet<string> labelIds)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(imageIds);
        ArgumentNullException.ThrowIfNull(labelIds);
        var boxes = new Dictionary<(string, string), List<NormalisedBox>>();
        string? line = reader.ReadLine();
        if (line is null) throw Bad(name, 1, "empty file; expected the header " + Header);
        if (line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
        if (line.TrimEnd('\r') != Header) throw Bad(name, 1, $"header '{Truncate(line)}' is not '{Header}'");
        long number = 1;
        Span<Range> parts = stackalloc Range[Columns + 1];
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            var span = line.AsSpan().TrimEnd('\r');
            if (span.IsEmpty) continue;
            int count = span.Split(parts, ',');
            if (count != Columns) throw Bad(name, number, $"{(count > Columns ? "more than " + Columns : count.ToString(CultureInfo.InvariantCulture))} columns; expected {Columns} ({Header})");
            var image = span[parts[0]];
            if (image.IsEmpty) throw Bad(name, number, "empty ImageID");
            if (!imageIds.Contains(image.ToString())) continue;
            var label = span[parts[2]];
            if (!labelIds.Contains(label.ToString())) continue;
            double confidence = Number(span[parts[3]], "Confidence", name, number);
            if (confidence < 0) throw Bad(name, number, $"Confidence {confidence.ToString(CultureInfo.InvariantCulture)} is negative");
            double xMin = Coordinate(span[parts[4]], "XMin", name, number), xMax = Coordinate(span[parts[5]], "XMax", name, number);
            double yMin = Coordinate(span[parts[6]], "YMin", name, number), yMax = Coordinate(span[parts[7]], "YMax", name, number);
            if (xMin > xMax) throw Bad(name, number, $"XMin {xMin.ToString(CultureInfo.InvariantCulture)} > XMax {xMax.ToString(CultureInfo.InvariantCulture)}");
            if (yMin > yMax) throw Bad(name, number, $"YMin {yMin.ToString(CultureInfo.InvariantCulture)} > YMax {yMax.ToString(CultureInfo.InvariantCulture)}");
            var key = (image.ToString(), label.ToString());
            if (!boxes.TryGetValue(key, out var list)) boxes[key] = list = [];
            list.Add(new NormalisedBox(xMin, xMax, yMin, yMax));
        }
        return boxes;
    }

    private static double Number(ReadOnlySpan<char> text, string column, string name, long line)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw Bad(name, line, $"{column} '{Truncate(text.ToString())}' is not a finite number");
        return v;
    }

    private static double Coordinate(ReadOnlySpan<char> text, string column, string name, long line)
    {
        double v = Number(text, column, name, line);
        if (v < 0 || v > 1) throw Bad(name, line, $"{column} {v.ToString(CultureInfo.InvariantCulture)} is outside [0, 1]");
        return v;
    }

    private static string Truncate(string s) => s.Length <= 120 ? s : s[..120] + "…";

    private static DataFormatException Bad(string name, long line, string message) =>
        new(name, -1, $"line {line.ToString(CultureInfo.InvariantCulture)}: {message}");
}
