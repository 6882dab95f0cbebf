using System.Reflection;
using System.Reflection.Emit;

namespace Assets.CodeVersions;

/// <summary>
/// Every IL opcode, indexed by its encoding, built once by reflection over the static fields of
/// <see cref="OpCodes"/>. One-byte opcodes are indexed by their byte; two-byte opcodes (lead byte
/// <c>0xFE</c>) by their second byte.
/// </summary>
internal static class IlOpCodeTable
{
    private const byte TwoByteLead = 0xFE;

    private static readonly OpCode?[][] Tables = Build();

    /// <summary>
    /// Reads the opcode at <paramref name="position"/> of <paramref name="il"/> and moves
    /// <paramref name="position"/> past it (not past its operand).
    /// </summary>
    /// <exception cref="InvalidOperationException">The bytes there are not a known opcode.</exception>
    public static OpCode Read(ReadOnlySpan<byte> il, ref int position)
    {
        var start = position;
        var first = il[position++];
        OpCode? opCode;
        if (first == TwoByteLead)
        {
            if (position >= il.Length)
            {
                throw new InvalidOperationException($"Truncated two-byte IL opcode at offset {start}.");
            }

            opCode = Tables[1][il[position++]];
        }
        else
        {
            opCode = Tables[0][first];
        }

        return opCode ?? throw new InvalidOperationException(
            $"Unknown IL opcode 0x{first:X2}{(first == TwoByteLead ? il[start + 1].ToString("X2", System.Globalization.CultureInfo.InvariantCulture) : "")} at offset {start}.");
    }

    private static OpCode?[][] Build()
    {
        var oneByte = new OpCode?[256];
        var twoByte = new OpCode?[256];
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is not OpCode opCode)
            {
                continue;
            }

            var value = unchecked((ushort)opCode.Value);
            if (opCode.Size == 1)
            {
                // OpCodes.Prefix1 is itself 0xFE with size 1: it is the lead byte of every two-byte
                // opcode, which Read handles before looking at this table.
                oneByte[value & 0xFF] = opCode;
            }
            else
            {
                twoByte[value & 0xFF] = opCode;
            }
        }

        return [oneByte, twoByte];
    }
}
