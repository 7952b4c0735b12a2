// JsonErrorTextTests.cs - JsonErrorText words System.Text.Json errors as "line, column: what (at path)" without the
// exception's own position tail.
using System.Text.Json;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch.Tests.Serialization;

public class JsonErrorTextTests
{
    private sealed record Point(int X, int Y);

    private static JsonException Parse(string json) => Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(json));

    [Fact]
    public void A_syntax_error_is_described_by_its_line_and_column_counted_from_one_without_the_exception_tail()
    {
        var text = JsonErrorText.Describe(Parse("{\n  \"a\": 1,\n  b\n}"));
        Assert.StartsWith("line 3, column 3: ", text);
        Assert.DoesNotContain("LineNumber", text);
        Assert.DoesNotContain("BytePositionInLine", text);
        Assert.DoesNotContain("Path:", text);
    }

    [Fact]
    public void An_unclosed_document_names_the_position_where_the_input_ended()
    {
        var text = JsonErrorText.Describe(Parse("{\"a\":"));
        Assert.StartsWith("line 1, column 6: ", text);
        Assert.DoesNotContain("LineNumber", text);
    }

    [Fact]
    public void A_value_of_the_wrong_type_keeps_the_json_path_of_the_field()
    {
        var e = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Point>("{\"X\": 1, \"Y\": \"two\"}"));
        var text = JsonErrorText.Describe(e);
        Assert.Equal("line 1, column 20: a value of the wrong type (at $.Y)", text);
    }

    [Fact]
    public void An_unknown_field_is_named_without_the_dotnet_type()
    {
        var strict = new JsonSerializerOptions { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };
        var e = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Point>("{\"X\": 1, \"Z\": 2}", strict));
        Assert.Equal("line 1, column 14: unknown field 'Z' (at $.Z)", JsonErrorText.Describe(e));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Empty_input_is_called_empty_instead_of_the_readers_token_wording(string json)
    {
        var text = JsonErrorText.Describe(Parse(json));
        Assert.EndsWith(": the input is empty (no JSON value)", text);
        Assert.StartsWith("line ", text);
        Assert.DoesNotContain("JSON tokens", text);
    }

    [Fact]
    public void An_exception_without_a_position_is_its_message_alone()
    {
        Assert.Equal("something is off", JsonErrorText.Describe(new JsonException("something is off")));
    }
}
