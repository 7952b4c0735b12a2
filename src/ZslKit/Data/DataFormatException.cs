// The one exception every ZslKit data reader raises for malformed, truncated or unsupported input files.
namespace ZslKit.Data;

/// <summary>A data file is malformed, truncated, inconsistent or uses an unsupported feature.</summary>
/// <remarks>The message always names the file and the byte offset (or record number) where the problem was found.</remarks>
public sealed class DataFormatException : Exception
{
    /// <summary>The file (or stream name) being read.</summary>
    public string File { get; }

    /// <summary>Byte offset in the file where the problem was detected, or -1 when only a record is known.</summary>
    public long Offset { get; }

    /// <summary>The problem, without the file and offset prefix.</summary>
    public string Detail { get; }

    public DataFormatException(string file, long offset, string message, Exception? inner = null)
        : base($"{file}: {(offset >= 0 ? $"at byte {offset}" : "")}{(offset >= 0 ? ": " : "")}{message}", inner)
    {
        File = file;
        Offset = offset;
        Detail = message;
    }
}
