// Stream identifiers of the synthetic generators: the first id folded into every CounterRng key, so that the draws of
// different purposes (noise, layout, labels, hidden maps) never share a stream. Changing a value changes the benchmarks.
namespace ZslKit.Data.Synthetic;

/// <summary>First stream id of each kind of draw made by the synthetic generators.</summary>
internal static class StreamIds
{
    public const ulong StandInSemantics = 1;
    public const ulong HiddenMap = 2;
    public const ulong AbstractLabels = 3;
    public const ulong Topics = 4;
    public const ulong ImageLayout = 5;
    public const ulong RegionNoise = 6;
    public const ulong Background = 7;
    public const ulong AbstractMask = 8;
    public const ulong Unannotated = 9;
    public const ulong StandInAttributes = 10;
    public const ulong ClassSplit = 11;
    public const ulong PartAppearance = 12;
    public const ulong PixelNoise = 13;
    public const ulong Clutter = 14;
    public const ulong CellNoise = 15;
}
