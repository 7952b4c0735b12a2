// Axis-aligned boxes in pixel coordinates (x, y, w, h as CUB bounding_boxes.txt and Open Images boxes converted to pixels).
namespace ZslKit.Metrics;

/// <summary>A box with top-left corner (X, Y), width W and height H.</summary>
public readonly record struct Box(double X, double Y, double W, double H)
{
    public double Area => Math.Max(0, W) * Math.Max(0, H);
    public double Right => X + W;
    public double Bottom => Y + H;

    /// <summary>True when the point lies inside the box (edges included).</summary>
    public bool Contains(double px, double py) => px >= X && px <= Right && py >= Y && py <= Bottom;

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public double IoU(Box other)
    {
        double iw = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        double ih = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (iw <= 0 || ih <= 0) return 0;
        double inter = iw * ih;
        double union = Area + other.Area - inter;
        return union > 0 ? inter / union : 0;
    }

    /// <summary>The tightest box around the points (xs[i], ys[i]).</summary>
    public static Box Around(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        if (xs.Length == 0 || xs.Length != ys.Length) throw new MetricInputException("points", "need at least one (x, y) point with matching lengths");
        double x0 = double.MaxValue, y0 = double.MaxValue, x1 = double.MinValue, y1 = double.MinValue;
        for (int i = 0; i < xs.Length; i++)
        {
            x0 = Math.Min(x0, xs[i]); x1 = Math.Max(x1, xs[i]);
            y0 = Math.Min(y0, ys[i]); y1 = Math.Max(y1, ys[i]);
        }
        return new Box(x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>A box of side <paramref name="side"/> centred on (cx, cy), clipped to the image [0, width] x [0, height].</summary>
    public static Box Centred(double cx, double cy, double side, double width, double height)
    {
        double x0 = Math.Max(0, cx - side / 2), y0 = Math.Max(0, cy - side / 2);
        double x1 = Math.Min(width, cx + side / 2), y1 = Math.Min(height, cy + side / 2);
        return new Box(x0, y0, Math.Max(0, x1 - x0), Math.Max(0, y1 - y0));
    }
}
