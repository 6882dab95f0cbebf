using System.Runtime.InteropServices;
using DuckDB.NET.Native;

namespace Assets.Storage.Metadata;

/// <summary>Makes a value of the result of a statement run through <see cref="PreparedCommands.Query{T}"/>, which lives only for that call.</summary>
internal delegate T ReadResult<out T>(ref DuckDBResult result);

/// <summary>
/// Values of a materialized result read one by one through DuckDB's C API: for the small results of per-step reads, where
/// DuckDB.NET's reader would make its command prepare the statement again.
/// </summary>
internal static class NativeResult
{
    /// <summary>How many rows <paramref name="result"/> holds.</summary>
    public static long RowCount(ref DuckDBResult result) => NativeMethods.Query.DuckDBRowCount(ref result);

    /// <summary>Whether the value at <paramref name="column"/>, <paramref name="row"/> is null.</summary>
    public static bool IsNull(ref DuckDBResult result, long column, long row)
    {
#pragma warning disable CS0618 // The row-wise C API is what a one-row result needs; its chunk-wise successor reads whole vectors.
        var mask = NativeMethods.Query.DuckDBNullmaskData(ref result, column);
#pragma warning restore CS0618
        return mask != IntPtr.Zero && Marshal.ReadByte(mask, checked((int)row)) != 0;
    }

    /// <summary>The text at <paramref name="column"/>, <paramref name="row"/>; null when the value is.</summary>
    public static string? GetString(ref DuckDBResult result, long column, long row)
    {
        if (IsNull(ref result, column, row))
        {
            return null;
        }

        var text = NativeMethods.Types.DuckDBValueVarchar(ref result, column, row);
        try
        {
            return Marshal.PtrToStringUTF8(text) ?? string.Empty;
        }
        finally
        {
            NativeMethods.Helpers.DuckDBFree(text);
        }
    }

    /// <summary>The whole number at <paramref name="column"/>, <paramref name="row"/>; null when the value is.</summary>
    public static long? GetInt64(ref DuckDBResult result, long column, long row)
        => IsNull(ref result, column, row) ? null : NativeMethods.Types.DuckDBValueInt64(ref result, column, row);
}
