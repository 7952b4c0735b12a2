// Test-local closed-form ridge regression (Cholesky solve in double) for the synthetic benchmarks' learnability checks.
namespace ZslKit.Tests.Data.Synthetic;

/// <summary>W = argmin ‖(X − μ_x)W − (T − μ_t)‖² + λ‖W‖², solved through the normal equations.</summary>
internal sealed class TinyRidge
{
    public required double[] W { get; init; }        // [inDim, outDim]
    public required double[] MeanX { get; init; }    // [inDim]
    public required double[] MeanT { get; init; }    // [outDim]
    public required int InDim { get; init; }
    public required int OutDim { get; init; }

    /// <summary>Fits on X [n, inDim] and T [n, outDim] (row-major).</summary>
    public static TinyRidge Fit(float[] x, double[] t, int n, int inDim, int outDim, double lambda)
    {
        var mx = new double[inDim];
        var mt = new double[outDim];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < inDim; j++) mx[j] += x[i * inDim + j];
            for (int j = 0; j < outDim; j++) mt[j] += t[i * outDim + j];
        }
        for (int j = 0; j < inDim; j++) mx[j] /= n;
        for (int j = 0; j < outDim; j++) mt[j] /= n;
        var a = new double[inDim * inDim];   // Xcᵀ Xc + λI : [inDim, inDim]
        var b = new double[inDim * outDim];  // Xcᵀ Tc      : [inDim, outDim]
        var xc = new double[inDim];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < inDim; j++) xc[j] = x[i * inDim + j] - mx[j];
            for (int j = 0; j < inDim; j++)
            {
                double xj = xc[j];
                for (int k = 0; k <= j; k++) a[j * inDim + k] += xj * xc[k];
                for (int k = 0; k < outDim; k++) b[j * outDim + k] += xj * (t[i * outDim + k] - mt[k]);
            }
        }
        for (int j = 0; j < inDim; j++) { a[j * inDim + j] += lambda; for (int k = 0; k < j; k++) a[k * inDim + j] = a[j * inDim + k]; }
        CholeskySolve(a, b, inDim, outDim);
        return new TinyRidge { W = b, MeanX = mx, MeanT = mt, InDim = inDim, OutDim = outDim };
    }

    /// <summary>y = (x − μ_x)·W + μ_t for one input row.</summary>
    public void Predict(ReadOnlySpan<float> x, Span<double> y)
    {
        for (int k = 0; k < OutDim; k++) y[k] = MeanT[k];
        for (int j = 0; j < InDim; j++)
        {
            double xj = x[j] - MeanX[j];
            for (int k = 0; k < OutDim; k++) y[k] += xj * W[j * OutDim + k];
        }
    }

    /// <summary>Solves A·X = B in place (B becomes X) for symmetric positive definite A [n, n], B [n, m].</summary>
    private static void CholeskySolve(double[] a, double[] b, int n, int m)
    {
        for (int j = 0; j < n; j++) // A = L·Lᵀ, L stored in the lower triangle
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
            if (d <= 0) throw new InvalidOperationException("matrix is not positive definite");
            a[j * n + j] = Math.Sqrt(d);
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = s / a[j * n + j];
            }
        }
        for (int c = 0; c < m; c++)
        {
            for (int i = 0; i < n; i++) // L·y = b
            {
                double s = b[i * m + c];
                for (int k = 0; k < i; k++) s -= a[i * n + k] * b[k * m + c];
                b[i * m + c] = s / a[i * n + i];
            }
            for (int i = n - 1; i >= 0; i--) // Lᵀ·x = y
            {
                double s = b[i * m + c];
                for (int k = i + 1; k < n; k++) s -= a[k * n + i] * b[k * m + c];
                b[i * m + c] = s / a[i * n + i];
            }
        }
    }
}
