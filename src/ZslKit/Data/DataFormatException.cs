namespace ZslKit.Data;

/// <summary>A data file is malformed: the message names the file and the byte offset (or record) where reading failed.</summary>
public class DataFormatException : Exception
{
    public DataFormatException(string file, long offset, string message, Exception? inner = null)
        : base($"{file}: at byte {offset}: {message}", inner)
    {
        File = file;
        Offset = offset;
    }

    /// <summary>The file being read.</summary>
    public string File { get; }

    /// <summary>Byte offset (or record index, where the message says so) at which the problem was found.</summary>
    public long Offset { get; }
}
