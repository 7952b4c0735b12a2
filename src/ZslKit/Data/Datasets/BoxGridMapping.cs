// BoxGridMapping.cs - maps a box in normalised coordinates of an original image onto the H x W grid of region features
// extracted from it, accounting for the preprocessing that framed the image before the backbone.
//
// The official LESA Open Images features (hbdat/cvpr20_LESA, extract_data/extract_test_seen_unseen_images_VGG_feature_2_TFRecord.py,
// PreprocessImage: preprocessing_factory.get_preprocessing('vgg_19', is_training=False) at 224 x 224, then conv5_4 [14, 14, 512])
// use TF-slim's preprocessing/vgg_preprocessing.py, preprocess_for_eval: _aspect_preserving_resize to a shorter side of
// _RESIZE_SIDE_MIN = 256 (_smallest_size_at_least: scale = 256 / min(h, w), new side = rint(side * scale)), then
// _central_crop to 224 x 224 (offset = (new side − 224) / 2, truncated to int32 by _crop). The features therefore see only
// the central part of the image: a box is mapped through that crop window, not stretched over the whole image. The same
// file's compute_new_ratio (a LESA addition) computes the same window in normalised coordinates.
//
// `zsl extract` (docs/backbones.md) frames images as torchvision's Resize(256) + CenterCrop(224): longer side
// int(256 · long / short) (truncated, not rounded) and crop offset round((new side − 224) / 2) (half to even), which can
// differ from TF-slim's by one resized pixel: hence the Rounding option.
using ZslKit.Metrics;

namespace ZslKit.Data.Datasets;

/// <summary>How images were framed before feature extraction.</summary>
public enum GridFraming
{
    /// <summary>The whole image was resized to the network input (no crop): x ∈ [0, 1] maps to x · W.</summary>
    WholeImage,

    /// <summary>Aspect-preserving resize of the shorter side to <see cref="BoxGridMapping.Resize"/>, then a central
    /// <see cref="BoxGridMapping.Crop"/> x Crop crop: needs each image's size.</summary>
    ResizeCentreCrop,
}

/// <summary>Pixel rounding of <see cref="GridFraming.ResizeCentreCrop"/>.</summary>
public enum CropRounding
{
    /// <summary>TF-slim vgg_preprocessing: resized sides rint(side · scale), crop offset truncated ((new − crop) / 2).</summary>
    TfSlim,

    /// <summary>torchvision Resize + CenterCrop (and `zsl extract`): longer side int(resize · long / short), offset
    /// round((new − crop) / 2) half to even.</summary>
    Torchvision,
}

/// <summary>Maps normalised boxes onto the feature grid (one unit per region, x = column, y = row).</summary>
public sealed record BoxGridMapping(GridFraming Framing, int Resize = 256, int Crop = 224, CropRounding Rounding = CropRounding.TfSlim)
{
    /// <summary>The official LESA Open Images features: TF-slim VGG eval preprocessing, resize 256, central crop 224.</summary>
    public static BoxGridMapping LesaRelease { get; } = new(GridFraming.ResizeCentreCrop, 256, 224, CropRounding.TfSlim);

    /// <summary>Features of `zsl extract` with its defaults (--resize 256 --crop 224): torchvision framing.</summary>
    public static BoxGridMapping ZslExtract { get; } = new(GridFraming.ResizeCentreCrop, 256, 224, CropRounding.Torchvision);

    /// <summary>Whole images resized to the network input.</summary>
    public static BoxGridMapping Whole { get; } = new(GridFraming.WholeImage);

    /// <summary>True when <see cref="ToGrid"/> needs the original image size.</summary>
    public bool NeedsImageSize => Framing == GridFraming.ResizeCentreCrop;

    /// <summary>
    /// The part of the original image the features see, in normalised coordinates [X0, X1] x [Y0, Y1]; (0, 1, 0, 1) for
    /// <see cref="GridFraming.WholeImage"/>. <paramref name="width"/> and <paramref name="height"/> are the original size in pixels.
    /// </summary>
    public (double X0, double X1, double Y0, double Y1) Window(int width, int height)
    {
        if (Framing == GridFraming.WholeImage) return (0, 1, 0, 1);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        if (Crop < 1 || Resize < Crop) throw new ArgumentOutOfRangeException(nameof(Crop), $"need 1 <= Crop ({Crop}) <= Resize ({Resize})");
        var (newW, newH) = Resized(width, height);
        var (x0, x1) = Axis(newW);
        var (y0, y1) = Axis(newH);
        return (x0, x1, y0, y1);
    }

    /// <summary>
    /// <paramref name="box"/> on a <paramref name="gridHeight"/> x <paramref name="gridWidth"/> grid: coordinates are taken
    /// relative to <see cref="Window"/>, scaled by the grid size and clipped to it. Null when the box lies outside the window
    /// (the features never saw the object).
    /// </summary>
    public Box? ToGrid(NormalisedBox box, int gridHeight, int gridWidth, int imageWidth = 0, int imageHeight = 0)
    {
        if (gridHeight < 1 || gridWidth < 1) throw new ArgumentOutOfRangeException(nameof(gridHeight), $"grid {gridHeight}x{gridWidth} must be positive");
        var (x0, x1, y0, y1) = Window(imageWidth, imageHeight);
        if (box.XMax <= x0 || box.XMin >= x1 || box.YMax <= y0 || box.YMin >= y1) return null;
        double Map(double v, double lo, double hi, int cells) => Math.Clamp((v - lo) / (hi - lo) * cells, 0, cells);
        double left = Map(box.XMin, x0, x1, gridWidth), right = Map(box.XMax, x0, x1, gridWidth);
        double top = Map(box.YMin, y0, y1, gridHeight), bottom = Map(box.YMax, y0, y1, gridHeight);
        return new Box(left, top, right - left, bottom - top);
    }

    /// <summary>The resized image size before the crop.</summary>
    private (int W, int H) Resized(int width, int height)
    {
        if (Rounding == CropRounding.TfSlim)
        {
            // _smallest_size_at_least: float32 scale = side / shorter; tf.rint = round half to even.
            float scale = height > width ? (float)Resize / width : (float)Resize / height;
            return ((int)Math.Round((double)(width * scale), MidpointRounding.ToEven), (int)Math.Round((double)(height * scale), MidpointRounding.ToEven));
        }
        // torchvision Resize(int): shorter side = Resize, longer = int(Resize * long / short); unchanged when already so.
        if (width <= height)
            return width == Resize ? (width, height) : (Resize, (int)((long)Resize * height / width));
        return height == Resize ? (width, height) : ((int)((long)Resize * width / height), Resize);
    }

    /// <summary>Crop window [lo, hi] of one axis of resized length <paramref name="length"/>, normalised.</summary>
    private (double Lo, double Hi) Axis(int length)
    {
        int offset = Rounding == CropRounding.TfSlim
            ? (length - Crop) / 2                                                         // truediv then to_int32: truncation
            : (int)Math.Round((length - Crop) / 2.0, MidpointRounding.ToEven);
        return ((double)offset / length, (double)(offset + Crop) / length);
    }
}
