// The error every metric raises for bad input (NaN scores, shape mismatch, labels outside the allowed set, bad K...).
namespace ZslKit.Metrics;

/// <summary>A metric's input is invalid; the message starts with the offending input's name (file or argument).</summary>
public sealed class MetricInputException : ArgumentException
{
    public MetricInputException(string input, string message) : base($"{input}: {message}") => Input = input;

    /// <summary>The file path or argument name of the bad input.</summary>
    public string Input { get; }

    /// <summary>The metric error of a malformed file: "FILE: at byte N: what", the file named once.</summary>
    public static MetricInputException From(ZslKit.Data.DataFormatException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new MetricInputException(e.File, e.Offset >= 0 ? $"at byte {e.Offset}: {e.Detail}" : e.Detail);
    }
}
