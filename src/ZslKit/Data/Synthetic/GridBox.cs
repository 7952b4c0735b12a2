// Ground-truth boxes of the synthetic benchmarks: a rectangle of grid cells (regions) or of pixels.
namespace ZslKit.Data.Synthetic;

/// <summary>A rectangle of cells [Top, Top + Height) x [Left, Left + Width) on a region grid or a pixel raster.</summary>
public readonly record struct GridBox(int Top, int Left, int Height, int Width)
{
    public int Bottom => Top + Height;
    public int Right => Left + Width;
    public int Area => Height * Width;
    public bool Contains(int row, int col) => row >= Top && row < Bottom && col >= Left && col < Right;
    /// <summary>True when the box is non-empty and lies inside a rows x cols raster.</summary>
    public bool FitsIn(int rows, int cols) => Height > 0 && Width > 0 && Top >= 0 && Left >= 0 && Bottom <= rows && Right <= cols;
}

/// <summary>A label planted in a multi-label image: its box on the region grid (the whole grid for abstract labels).</summary>
public sealed record PlantedLabel(int Label, GridBox Box, bool IsAbstract);
