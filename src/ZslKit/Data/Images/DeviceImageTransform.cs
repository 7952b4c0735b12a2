// DeviceImageTransform.cs - torchvision's evaluation transform (Resize -> CenterCrop -> ToTensor -> Normalize, as
// ImagePreprocessing does it on the host) run on the tensor engine's device from the decoded 8-bit pixels, with the
// same result bit for bit: Pillow's fixed-point bilinear passes become matmuls with integer weight matrices in float64
// (every product and partial sum is an integer below 2^31, so any summation order is exact), followed by Pillow's
// rounding floor((2^21 + acc) / 2^22) and clamp to [0, 255]. Only the output pixels the crop keeps are computed.
// Decoding stays on the host (libjpeg-turbo / libpng); this moves the resize, the larger share of host work, to the GPU.
namespace ZslKit.Data.Images;

using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

/// <summary>The transform of <see cref="ImagePreprocessing"/> computed on <see cref="Device"/>: uint8 pixels go to the
/// device, float32 (3, Crop, Crop) tensors come out, equal to <see cref="ImagePreprocessing.Apply"/>'s floats.</summary>
public sealed class DeviceImageTransform : IDisposable
{
    private readonly Tensor _scale, _mean, _std;   // [1, 1, 1], [3, 1, 1], [3, 1, 1] on the device (tensors, not CPU scalars:
                                                   // CUDA divides by a CPU scalar as a multiply by its reciprocal, which can differ by an ulp)

    public DeviceImageTransform(ImagePreprocessing preprocessing, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(device);
        if (preprocessing.Mean.Length != 3 || preprocessing.Std.Length != 3)
            throw new ArgumentException($"preprocessing: mean and std need 3 values (RGB), got {preprocessing.Mean.Length} and {preprocessing.Std.Length}", nameof(preprocessing));
        Preprocessing = preprocessing;
        Device = device;
        GroupBytesLimit = device.type == DeviceType.CUDA ? GroupBytes : 0;
        _scale = torch.tensor<float>([255f], [1, 1, 1], device: device).DetachFromDisposeScope();
        _mean = torch.tensor<float>(preprocessing.Mean, [3, 1, 1], device: device).DetachFromDisposeScope();
        _std = torch.tensor<float>(preprocessing.Std, [3, 1, 1], device: device).DetachFromDisposeScope();
    }

    /// <summary>The default <see cref="GroupBytesLimit"/> on a GPU.</summary>
    public const long GroupBytes = 512L << 20;

    /// <summary>Float64 pixel bytes of images of one size that <see cref="Batch"/> transforms together (a larger group is
    /// split; 0: one image at a time). Default: <see cref="GroupBytes"/> on a GPU (fewer kernel launches); 0 on the CPU,
    /// where one image's passes stay in cache (a group of 64 photos ran 4x slower per image there).</summary>
    public long GroupBytesLimit { get; init; }

    public ImagePreprocessing Preprocessing { get; }

    public torch.Device Device { get; }

    /// <summary>One decoded image → (3, Crop, Crop) float32 on the device.</summary>
    public Tensor Apply(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = torch.NewDisposeScope();
        return Group([image]).squeeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>Decoded images → (N, 3, Crop, Crop) float32 on the device. On a GPU, images of the same size go through the
    /// passes together (one upload and one matmul per pass for the group: fewer kernel launches).</summary>
    public Tensor Batch(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("Batch: no images", nameof(images));
        using var scope = torch.NewDisposeScope();
        var parts = new Tensor[images.Count];
        foreach (var group in Enumerable.Range(0, images.Count).GroupBy(i => (images[i].Width, images[i].Height)))
        {
            long perImage = (long)group.Key.Width * group.Key.Height * 3 * sizeof(double);
            int chunk = (int)Math.Clamp(GroupBytesLimit / perImage, 1, int.MaxValue);
            foreach (var members in group.Chunk(chunk))
            {
                var done = Group(members.Select(i => images[i]).ToArray());                                   // (n, 3, Crop, Crop)
                for (int j = 0; j < members.Length; j++) parts[members[j]] = done[j];
            }
        }
        return torch.stack(parts).MoveToOuterDisposeScope();                                                   // (N, 3, Crop, Crop)
    }

    /// <summary>Images of one size → (n, 3, Crop, Crop) float32 on the device, in the caller's dispose scope.</summary>
    private Tensor Group(RgbImage[] images)
    {
        int w = images[0].Width, h = images[0].Height, crop = Preprocessing.Crop, n = images.Length;
        long bytes = (long)w * h * 3;
        var pixels = new byte[n * bytes];
        for (int i = 0; i < n; i++)
        {
            if (images[i].Pixels.Length != bytes)
                throw new ArgumentException($"image: {images[i].Pixels.Length} bytes for {w}x{h} RGB (needs {bytes})", nameof(images));
            images[i].Pixels.CopyTo(pixels, i * bytes);
        }
        var (rw, rh) = ImagePreprocessing.ResizedSize(w, h, Preprocessing.Resize);
        var (x0, nx, padL) = ImagePreprocessing.CropWindow(rw, crop);
        var (y0, ny, padT) = ImagePreprocessing.CropWindow(rh, crop);
        // Both passes multiply the last dimension by a weight matrix, so each is one [n·3·rows, in] @ [in, out] product.
        var x = torch.tensor<byte>(pixels, [n, h, w, 3]).to(Device).permute(0, 3, 1, 2).to(ScalarType.Float64).contiguous();   // [n, 3, h, w]
        x = rw == w ? x.narrow(3, x0, nx)
            : Round(x.matmul(Weights(w, rw, x0, nx).t()));                                                    // [n, 3, h, w] @ [w, nx] -> [n, 3, h, nx]
        x = x.transpose(2, 3).contiguous();                                                                    // [n, 3, nx, h]
        x = rh == h ? x.narrow(3, y0, ny)
            : Round(x.matmul(Weights(h, rh, y0, ny).t()));                                                    // [n, 3, nx, h] @ [h, ny] -> [n, 3, nx, ny]
        x = x.transpose(2, 3);                                                                                 // [n, 3, ny, nx]
        if (nx < crop || ny < crop) x = F.pad(x, [padL, crop - nx - padL, padT, crop - ny - padT]);         // [n, 3, crop, crop], zeros
        return x.to(ScalarType.Float32).div(_scale).sub(_mean).div(_std);                                      // (p / 255 - mean) / std
    }

    /// <summary>Pillow's dense fixed-point weights [count, inSize] (float64) on the device.</summary>
    private Tensor Weights(int inSize, int outSize, int first, int count) =>
        torch.tensor<double>(PilResize.DenseWeights(inSize, outSize, first, count), [count, inSize], device: Device);

    /// <summary>Pillow's rounding of a pass: floor((2^21 + acc) / 2^22), clamped to [0, 255] (exact in float64).</summary>
    private static Tensor Round(Tensor acc) => acc.add(PilResize.Unit / 2).div(PilResize.Unit).floor().clamp(0, 255);

    public void Dispose()
    {
        _scale.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }
}
