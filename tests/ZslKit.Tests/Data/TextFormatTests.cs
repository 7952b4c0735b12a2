// Tests of the CSV, line-list and GloVe text readers on small inline inputs.
using System.Text;
using ZslKit.Data;
using ZslKit.Data.Formats;

namespace ZslKit.Tests.Data;

public class TextFormatTests
{
    private static CsvTable Parse(string text, bool header = true) => Csv.Parse(Encoding.UTF8.GetBytes(text), "t.csv", header);

    [Fact]
    public void Csv_handles_quotes_escaped_quotes_embedded_newlines_and_crlf()
    {
        var t = Parse("id,name\r\n/m/1,\"Ducks, geese\"\r\n/m/2,\"say \"\"hi\"\"\"\n/m/3,\"two\nlines\"\n/m/4,\n");
        Assert.Equal(new[] { "id", "name" }, t.Header);
        Assert.Equal(4, t.Rows.Count);
        Assert.Equal("Ducks, geese", t.Rows[0][1]);
        Assert.Equal("say \"hi\"", t.Rows[1][1]);
        Assert.Equal("two\nlines", t.Rows[2][1]);
        Assert.Equal("", t.Rows[3][1]);
        Assert.Equal(new[] { "/m/1", "/m/2", "/m/3", "/m/4" }, t.ColumnValues("id"));
    }

    [Fact]
    public void Csv_tolerates_a_utf8_bom_and_a_missing_final_newline()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("991\r\n1039\r\n120")).ToArray();
        var t = Csv.Parse(bytes, "top.csv", hasHeader: false);
        Assert.Equal(new[] { "991", "1039", "120" }, t.Rows.Select(r => r[0]));
    }

    [Fact]
    public void Csv_decodes_utf8_fields()
    {
        Assert.Equal("Crème brûlée", Parse("a\nCrème brûlée\n").Rows[0][0]);
    }

    [Fact]
    public void Csv_errors_name_the_byte_offset()
    {
        var unterminated = Assert.Throws<DataFormatException>(() => Parse("a,b\n1,\"oops\n"));
        Assert.Equal(6, unterminated.Offset);
        var ragged = Assert.Throws<DataFormatException>(() => Parse("a,b\n1,2\n3\n"));
        Assert.Equal(8, ragged.Offset);
        Assert.Contains("record 3", ragged.Message);
        Assert.Equal(5, Assert.Throws<DataFormatException>(() => Parse("a,b\n1\"x,2\n")).Offset);
        Assert.Throws<DataFormatException>(() => Parse("a\n\"x\"y\n"));
        Assert.Throws<DataFormatException>(() => Csv.Parse(new byte[] { (byte)'a', (byte)'\n', 0xFF, 0xFE }, "bad.csv"));
        var noColumn = Assert.Throws<DataFormatException>(() => Parse("a,b\n1,2\n").Column("c"));
        Assert.Contains("no column 'c'", noColumn.Message);
    }

    private static WordVectors Glove(string text, IReadOnlySet<string>? keep = null) =>
        GloveText.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "g.txt", keep);

    [Fact]
    public void Glove_reads_words_and_row_major_vectors()
    {
        var v = Glove("the 0.1 -0.2 3e-1\ncat 1 2 3\r\nrésumé 4 5 6");
        Assert.Equal(new[] { "the", "cat", "résumé" }, v.Words);
        Assert.Equal(3, v.Dim);
        Assert.Equal(new[] { 0.1f, -0.2f, 0.3f, 1, 2, 3, 4, 5, 6 }, v.Vectors);
        Assert.Equal(new[] { 1f, 2, 3 }, v.Row(v.IndexOf("cat")).ToArray());
    }

    [Fact]
    public void Glove_keeps_only_the_requested_words_and_skips_a_word2vec_header()
    {
        var v = Glove("3 2\na 1 2\nb 3 4\nc 5 6\n", new HashSet<string> { "c", "a" });
        Assert.Equal(new[] { "a", "c" }, v.Words);
        Assert.Equal(new[] { 1f, 2, 5, 6 }, v.Vectors);
    }

    [Fact]
    public void Glove_rejects_inconsistent_dimensions_and_bad_numbers_with_the_line_offset()
    {
        var e = Assert.Throws<DataFormatException>(() => Glove("a 1 2\nb 1 2 3\n"));
        Assert.Equal(6, e.Offset);
        Assert.Contains("3 values, previous lines have 2", e.Message);
        Assert.Equal(6, Assert.Throws<DataFormatException>(() => Glove("a 1 2\nb 1 x\n")).Offset);
        Assert.Throws<DataFormatException>(() => Glove(""));
        Assert.Throws<DataFormatException>(() => Glove("lonely\n"));
    }

    [Fact]
    public void Text_lists_trim_lines_skip_blanks_and_strip_a_bom()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("12\r\n\r\n 7 \n3")).ToArray());
            Assert.Equal(new[] { 12, 7, 3 }, TextList.ReadIntegers(path));
            File.WriteAllText(path, "1\nx\n");
            Assert.Contains("line 2", Assert.Throws<DataFormatException>(() => TextList.ReadIntegers(path)).Message);
        }
        finally { File.Delete(path); }
    }
}
