// OpenImagesBoxesTests.cs - the streaming reader of Open Images v4 test-annotations-bbox.csv: filtering by image and label,
// file order, and bad headers and rows reported with the file name and line number.
using ZslKit.Data;
using ZslKit.Data.Datasets;

namespace ZslKit.Tests.Data;

public sealed class OpenImagesBoxesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zsl-oibox-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(params string[] rows)
    {
        var path = Path.Combine(_root, $"bbox-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, [OpenImagesBoxes.Header, .. rows]);
        return path;
    }

    private static string Row(string image, string label, double x0, double x1, double y0, double y1, string confidence = "1") =>
        FormattableString.Invariant($"{image},xclick,{label},{confidence},{x0},{x1},{y0},{y1},0,0,0,0,0");

    private static readonly HashSet<string> Images = ["000a1", "000b2"];
    private static readonly HashSet<string> Labels = ["/m/01", "/m/02"];

    [Fact]
    public void Only_rows_of_the_given_images_and_labels_are_kept_in_file_order()
    {
        var path = Write(
            Row("000a1", "/m/01", 0.1, 0.5, 0.2, 0.6),
            Row("000a1", "/m/99", 0.0, 1.0, 0.0, 1.0),       // label outside the benchmark
            Row("ffff9", "/m/01", 0.0, 1.0, 0.0, 1.0),       // image outside the test store
            Row("000b2", "/m/02", 0.25, 0.75, 0, 1),
            Row("000a1", "/m/01", 0.6, 0.9, 0.0, 0.3));
        var boxes = OpenImagesBoxes.Read(path, Images, Labels);
        Assert.Equal(2, boxes.Count);
        Assert.Equal([new NormalisedBox(0.1, 0.5, 0.2, 0.6), new NormalisedBox(0.6, 0.9, 0.0, 0.3)], boxes[("000a1", "/m/01")]);
        Assert.Equal([new NormalisedBox(0.25, 0.75, 0, 1)], boxes[("000b2", "/m/02")]);
    }

    [Fact]
    public void Crlf_line_ends_a_byte_order_mark_and_blank_lines_are_accepted()
    {
        var path = Path.Combine(_root, "crlf.csv");
        File.WriteAllText(path, "\uFEFF" + OpenImagesBoxes.Header + "\r\n" + Row("000a1", "/m/02", 0, 0.5, 0, 0.5) + "\r\n\r\n");
        var boxes = OpenImagesBoxes.Read(path, Images, Labels);
        Assert.Equal([new NormalisedBox(0, 0.5, 0, 0.5)], boxes[("000a1", "/m/02")]);
    }

    [Theory]
    [InlineData("000a1,xclick,/m/01,1,0.1,0.5,0.2", "line 3: 7 columns; expected 13")]
    [InlineData("000a1,xclick,/m/01,1,0.1,0.5,0.2,0.6,0,0,0,0,0,extra", "line 3: more than 13 columns")]
    [InlineData("000a1,xclick,/m/01,1,0.1,abc,0.2,0.6,0,0,0,0,0", "line 3: XMax 'abc' is not a finite number")]
    [InlineData("000a1,xclick,/m/01,1,0.1,1.5,0.2,0.6,0,0,0,0,0", "line 3: XMax 1.5 is outside [0, 1]")]
    [InlineData("000a1,xclick,/m/01,1,0.7,0.5,0.2,0.6,0,0,0,0,0", "line 3: XMin 0.7 > XMax 0.5")]
    [InlineData("000a1,xclick,/m/01,1,0.1,0.5,0.8,0.6,0,0,0,0,0", "line 3: YMin 0.8 > YMax 0.6")]
    [InlineData("000a1,xclick,/m/01,-1,0.1,0.5,0.2,0.6,0,0,0,0,0", "line 3: Confidence -1 is negative")]
    [InlineData(",xclick,/m/01,1,0.1,0.5,0.2,0.6,0,0,0,0,0", "line 3: empty ImageID")]
    public void A_bad_row_names_the_file_and_its_line(string bad, string message)
    {
        var path = Write(Row("000a1", "/m/01", 0.1, 0.5, 0.2, 0.6), bad);
        var e = Assert.Throws<DataFormatException>(() => OpenImagesBoxes.Read(path, Images, Labels));
        Assert.Equal(path, e.File);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Rows_of_other_images_are_only_checked_for_their_column_count()
    {
        // A broken coordinate in a row that is filtered out does not stop the read (only kept rows are parsed) ...
        var path = Write(Row("ffff9", "/m/01", 0.1, 0.5, 0.2, 0.6).Replace("0.5", "oops"), Row("000a1", "/m/01", 0, 1, 0, 1));
        Assert.Single(OpenImagesBoxes.Read(path, Images, Labels));
        // ... but a short row is malformed whatever its image.
        var shortRow = Write(Row("000a1", "/m/01", 0, 1, 0, 1), "ffff9,xclick,/m/01");
        Assert.Contains("line 3: 3 columns", Assert.Throws<DataFormatException>(() => OpenImagesBoxes.Read(shortRow, Images, Labels)).Message);
    }

    [Fact]
    public void A_wrong_header_or_an_empty_file_is_line_1_and_a_missing_file_names_its_path()
    {
        var path = Path.Combine(_root, "header.csv");
        File.WriteAllLines(path, ["ImageID,LabelName,XMin,XMax,YMin,YMax", Row("000a1", "/m/01", 0, 1, 0, 1)]);
        var e = Assert.Throws<DataFormatException>(() => OpenImagesBoxes.Read(path, Images, Labels));
        Assert.Contains("line 1: header 'ImageID,LabelName,XMin,XMax,YMin,YMax' is not", e.Message);
        var empty = Path.Combine(_root, "empty.csv");
        File.WriteAllText(empty, "");
        Assert.Contains("line 1: empty file", Assert.Throws<DataFormatException>(() => OpenImagesBoxes.Read(empty, Images, Labels)).Message);
        var missing = Path.Combine(_root, "absent.csv");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => OpenImagesBoxes.Read(missing, Images, Labels)).Message);
    }
}
